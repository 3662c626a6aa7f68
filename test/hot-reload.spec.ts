import { renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { eventually, startCli } from "./helpers/cli.js";
import { tempDataflow } from "./helpers/temp-dataflow.js";

/**
 * A timer-driven counter: each tick sends `<version>:<n>`, RELOAD sends `<version> reloaded at
 * <n>`. `body` goes into the class (a constructor, a broken line).
 */
const counter = (version: string, body = ""): string => `import { Status, type NodeEvent, type SendOutput } from "@rivulet/node";
export default class Counter {
  n = 0;
  ${body}
  async onEvent(event: NodeEvent, sendOutput: SendOutput): Promise<string> {
    if (event.type === "RELOAD") await sendOutput("count", \`${version} reloaded at \${this.n}\`);
    if (event.type === "INPUT") await sendOutput("count", \`${version}:\${++this.n}\`);
    return Status.CONTINUE;
  }
}
`;

const PRINTER = `import { Node } from "@rivulet/node";
const node = new Node();
for await (const event of node) if (event.type === "INPUT") console.log("got", event.rows()[0]);
`;

/** The counts the printer got so far, in order. */
function counts(output: string): string[] {
  return [...output.matchAll(/\[printer\] got (.+)/g)].map((m) => m[1]!);
}

describe("rivulet run --watch", () => {
  it("reloads a changed operator with its state (plain writes and rename-style saves), keeps the old code when the new one fails, and only reports a changed node program", async () => {
    const dir = tempDataflow(
      {
        "counter.ts": counter("v1"),
        "printer.js": PRINTER,
        // An operators: list, so that the daemon names the operator by its own id.
        "dataflow.yml": `nodes:
  - id: rt
    operators:
      - id: counter
        typescript: counter.ts
        inputs: { tick: dora/timer/millis/50 }
        outputs: [count]
  - id: printer
    path: printer.js
    inputs: { count: rt/counter/count }
`,
        "package.json": `{ "type": "module" }`,
      },
      { packages: true },
    );
    const file = join(dir, "counter.ts");
    const cli = startCli(["run", join(dir, "dataflow.yml"), "--watch"], { timeoutMs: 90_000 });
    const seen = (text: string): boolean => cli.output().includes(text);
    /** Waits for `<version> reloaded at <n>` and the next tick of that version, which must count on from n. */
    const reloadedTo = async (version: string): Promise<number> => {
      await eventually(() => counts(cli.output()).some((c) => c.startsWith(`${version} reloaded at `)), 20_000, `${version} to reload`);
      const at = Number(counts(cli.output()).find((c) => c.startsWith(`${version} reloaded at `))!.split(" ").at(-1));
      await eventually(() => seen(`[printer] got ${version}:${at + 1}\n`), 20_000, `${version}:${at + 1}`);
      return at;
    };
    try {
      await eventually(() => seen("[printer] got v1:2\n"), 30_000, "the first counts");

      writeFileSync(file, counter("v2"));
      const v2At = await reloadedTo("v2");
      expect(v2At).toBeGreaterThanOrEqual(2);

      // An editor's save: a temporary file renamed over the module.
      writeFileSync(join(dir, ".counter.ts.swp"), counter("v3"));
      renameSync(join(dir, ".counter.ts.swp"), file);
      const v3At = await reloadedTo("v3");
      expect(v3At).toBeGreaterThan(v2At);

      // A syntax error: refused before the runtime is asked; v3 goes on counting.
      writeFileSync(file, counter("broken", "bad: number = ;"));
      await eventually(() => seen("reload of operator 'counter' of node 'rt' refused, its old code keeps running"), 20_000, "the refusal");
      expect(cli.output()).toContain(`${file}:4:17: syntax error`);
      const afterRefusal = counts(cli.output()).length;
      await eventually(() => counts(cli.output()).length > afterRefusal + 2, 20_000, "counts after the refusal");
      expect(counts(cli.output()).slice(afterRefusal).every((c) => c.startsWith("v3:"))).toBe(true);

      // A constructor that throws passes the checks: the runtime keeps v3 and logs where it threw.
      writeFileSync(file, counter("throws", "constructor() { throw new RangeError('no calibration'); }"));
      await eventually(() => seen("reload of operator 'counter' of node 'rt' failed, its old code keeps running"), 20_000, "the failed reload");
      expect(cli.output()).toContain(`threw in its constructor (${file}:4:25): RangeError: no calibration`);
      const afterFailure = counts(cli.output()).length;
      await eventually(() => counts(cli.output()).length > afterFailure + 2, 20_000, "counts after the failed reload");
      expect(counts(cli.output()).slice(afterFailure).every((c) => c.startsWith("v3:"))).toBe(true);

      // Fixed: the state carried is v3's, counting on.
      writeFileSync(file, counter("v5"));
      expect(await reloadedTo("v5")).toBeGreaterThan(v3At);

      writeFileSync(join(dir, "printer.js"), `${PRINTER}// edited\n`);
      await eventually(() => seen("printer.js changed: node 'printer' keeps running the code it started with"), 20_000, "the node notice");
    } finally {
      cli.child.kill("SIGINT");
    }
    const result = await cli.done;
    expect(result.code, result.stderr).toBe(0);
    // Every count reached the printer once and in order, across the four swaps.
    const numbers = counts(result.stdout).filter((c) => /^v\d:\d+$/.test(c)).map((c) => Number(c.split(":")[1]));
    expect(numbers).toEqual(numbers.map((_, i) => numbers[0]! + i));
  });
});
