import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { tempDataflow } from "./helpers/temp-dataflow.js";

/** An operator that forwards each tick's count on `count`, and returns `$STATUS` at the third. */
const COUNTER = (status: string): string => `import { Status } from "@rivulet/node";
export default class Counter {
  n = 0;
  async onEvent(event, sendOutput) {
    if (event.type !== "INPUT") return Status.CONTINUE;
    await sendOutput("count", ++this.n);
    return this.n === 3 ? Status.${status} : Status.CONTINUE;
  }
}
`;

const PRINTER = `import { Node } from "@rivulet/node";
const node = new Node();
for await (const event of node) {
  if (event.type === "INPUT") console.log("got", event.rows()[0]);
  if (event.type === "STOP") console.log("printer STOP", event.reason);
}
`;

/** A source node that runs until it is told to stop. */
const FOREVER = `import { Node } from "@rivulet/node";
const node = new Node();
for await (const event of node) if (event.type === "STOP") console.log("forever got STOP");
`;

describe("operators through the CLI", () => {
  it("STOP_ALL from an operator stops the whole dataflow, which succeeds", async () => {
    const dir = tempDataflow(
      {
        "counter.js": COUNTER("STOP_ALL"),
        "printer.js": PRINTER,
        "forever.js": FOREVER,
        "dataflow.yml": `nodes:
  - id: rt
    operator: { javascript: counter.js }
    inputs: { tick: dora/timer/millis/20 }
    outputs: [count]
  - id: printer
    path: printer.js
    inputs: { count: rt/count }
  - id: forever
    path: forever.js
    inputs: { tick: dora/timer/secs/100 }
`,
        "package.json": `{ "type": "module" }`,
      },
      { packages: true },
    );
    const result = await runCli(["run", join(dir, "dataflow.yml")]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("[printer] got 3");
    expect(result.stdout).toContain("[forever] forever got STOP");
  });

  it("an operator that throws fails the run, naming the runtime node, the operator and the file with its line", async () => {
    const dir = tempDataflow(
      {
        "bad.ts": `import { Status } from "@rivulet/node";
export default class Bad {
  onEvent(event: { type: string }): string {
    if (event.type === "INPUT") throw new RangeError("no calibration for this tick");
    return Status.CONTINUE;
  }
}
`,
        "dataflow.yml": `nodes:
  - id: rt
    operators:
      - id: bad
        typescript: bad.ts
        thread: worker
        inputs: { tick: dora/timer/millis/20 }
`,
        "package.json": `{ "type": "module" }`,
      },
      { packages: true },
    );
    const result = await runCli(["run", join(dir, "dataflow.yml")]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`operator 'bad' of node 'rt' failed in onEvent (${join(dir, "bad.ts")}:4:`);
    expect(result.stderr).toContain("RangeError: no calibration for this tick");
  });
});
