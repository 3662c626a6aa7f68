import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { tempDataflow } from "./helpers/temp-dataflow.js";

const READING = { id: "dev-1", t: 21.5, ok: true, n: 3, tag: "a" };
/** Shapes interleaved, so that each payload by id must find the right definition. */
const VALUES = [READING, { x: [1, 2], s: "é" }, { ...READING, tag: "b", n: 4 }, 4.5, { x: [], s: "" }, { ...READING, ok: false }];

const PRODUCER = `import { Node } from "@rivulet/node";
const node = new Node();
for (const value of ${JSON.stringify(VALUES)}) await node.sendOutput("out", value);
`;
const CONSUMER = `import { Node } from "@rivulet/node";
const node = new Node();
for await (const event of node) {
  if (event.type === "INPUT") console.log("row " + JSON.stringify(event.value.get(0)));
  else if (event.type === "ERROR") console.log("error " + event.error.name + ": " + event.error.message);
}
`;

const NO_PRELUDES = readFileSync(new URL("./fixtures/transports/no-preludes.mjs", import.meta.url), "utf8");

/** The lines consumer `id` printed, without its prefix. */
function printed(stdout: string, id: string): string[] {
  return stdout
    .split("\n")
    .filter((line) => line.startsWith(`[${id}] `))
    .map((line) => line.slice(id.length + 3));
}

describe("struct values through the daemon, types sent once per subscriber by id", () => {
  it("a producer fanning out to two consumers (drop_oldest and backpressure): each reads every value exactly", async () => {
    const dataflow = [
      "nodes:",
      "  - id: p",
      "    path: p.ts",
      "    outputs: [out]",
      "  - id: r1",
      "    path: c.ts",
      "    inputs:",
      "      in: { source: p/out, queue_size: 100 }",
      "  - id: r2",
      "    path: c.ts",
      "    inputs:",
      "      in: { source: p/out, queue_size: 2, queue_policy: backpressure }",
      "",
    ].join("\n");
    const dir = tempDataflow({ "dataflow.yml": dataflow, "package.json": '{ "type": "module" }\n', "p.ts": PRODUCER, "c.ts": CONSUMER }, { packages: true });
    const result = await runCli(["run", `${dir}/dataflow.yml`, "--log-dir", `${dir}/logs`]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const expected = VALUES.map((value) => `row ${JSON.stringify(value)}`);
    for (const id of ["r1", "r2"]) expect(printed(result.stdout, id)).toEqual(expected);
  });

  it("an output also published on a transport without preludes sends its types inline, and both consumers read every value", async () => {
    const dataflow = [
      "transports:",
      "  old: { kind: ./no-preludes.mjs }",
      "nodes:",
      "  - id: p",
      "    path: p.ts",
      "    outputs: [out]",
      "  - id: r1",
      "    path: c.ts",
      "    inputs:",
      "      in: p/out",
      "  - id: r2",
      "    path: c.ts",
      "    inputs:",
      "      in: { source: p/out, transport: old }",
      "",
    ].join("\n");
    const files = { "dataflow.yml": dataflow, "no-preludes.mjs": NO_PRELUDES, "package.json": '{ "type": "module" }\n', "p.ts": PRODUCER, "c.ts": CONSUMER };
    const dir = tempDataflow(files, { packages: true });
    const result = await runCli(["run", `${dir}/dataflow.yml`, "--log-dir", `${dir}/logs`]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const expected = VALUES.map((value) => `row ${JSON.stringify(value)}`);
    // Had the output sent ids, r2 would print UnknownTypeIdError: its transport drops preludes.
    for (const id of ["r1", "r2"]) expect(printed(result.stdout, id)).toEqual(expected);
  });
});
