import { describe, expect, it } from "vitest";
import { eventually, runCli, startCli } from "./helpers/cli.js";
import { tempDataflow } from "./helpers/temp-dataflow.js";

// README "The dataflow file": timers are dora/timer/{secs,millis,micros,hz}/N (or rivulet/timer/...).
// examples/timer/README.md: STOP reaches every node, timer-driven ones included.
// README "After STOP nothing is sent": a send after STOP resolves and counts as discarded.
// README "The dataflow file": a timer may also be a node's path (its output is \`tick\`).
// README "The node API": node.dataflowDescriptor() is the YAML as data.
const DATAFLOW = `nodes:
  - id: beat
    path: dora/timer/millis/20
  - id: clock
    path: clock.ts
    inputs:
      s: dora/timer/secs/1
      ms: dora/timer/millis/20
      us: dora/timer/micros/20000
      hz: dora/timer/hz/50
      alias: rivulet/timer/millis/20
      node: beat/tick
    outputs:
      - out
`;

// Reads only timer inputs; once every unit has ticked it says so, then waits for STOP and sends once after it.
const CLOCK = `import { Node } from "@rivulet/node";
const node = new Node();
const described = node.dataflowDescriptor();
console.log("nodes in the YAML: " + described.nodes.map((n) => n.id + " at " + n.path).join(", "));
const seen = new Set();
let announced = false;
for await (const event of node) {
  if (event.type === "INPUT") {
    seen.add(event.id);
    if (!announced && seen.size === 6) { announced = true; console.log("every timer ticked: " + [...seen].sort().join(",")); }
  } else if (event.type === "STOP") {
    console.log("clock got STOP (" + event.reason + ")");
    await node.sendOutput("out", [1]);
    const out = node.stats().outputs.out;
    console.log("after STOP: sent " + out.sent + ", discarded " + out.discarded);
  }
}
`;

function clockFlow(): string {
  return `${tempDataflow({ "dataflow.yml": DATAFLOW, "clock.ts": CLOCK, "package.json": '{"type":"module"}' }, { packages: true })}/dataflow.yml`;
}

describe("README: timer units and STOP for a node driven only by timers", () => {
  it("secs, millis, micros, hz, the rivulet/timer alias and a timer node all tick; node.dataflowDescriptor() is the YAML; Ctrl-C brings STOP and a send after it is discarded", async () => {
    const run = startCli(["run", clockFlow(), "--grace", "60s"]);
    await eventually(() => run.output().includes("every timer ticked"), 30_000, "every timer to tick");
    run.child.kill("SIGINT");
    const result = await run.done;
    expect(result.stdout).toContain("[clock] nodes in the YAML: beat at dora/timer/millis/20, clock at clock.ts");
    expect(result.stdout).toContain("[clock] every timer ticked: alias,hz,ms,node,s,us");
    expect(result.stdout).toContain("[clock] clock got STOP");
    expect(result.stdout).toContain("[clock] after STOP: sent 0, discarded 1");
    // "reported by rivulet run with the drops"
    expect(result.stderr).toContain("node 'clock' lost 1 message on output 'out'");
    expect(result.stderr).not.toContain("SIGTERM");
    expect(result.code).toBe(0);
  });

  it("--stop-after brings STOP to a timer-only node, which ends its loop and exits 0", async () => {
    // A long grace: a node that never saw STOP would hang the run until the test's timeout.
    const result = await runCli(["run", clockFlow(), "--stop-after", "2s", "--grace", "60s"]);
    expect(result.stdout).toContain("[clock] clock got STOP");
    expect(result.stdout).toContain("[clock] after STOP: sent 0, discarded 1");
    expect(result.stderr).toContain("stopping (--stop-after 2000 ms)");
    expect(result.stderr).not.toContain("SIGTERM");
    expect(result.code).toBe(0);
  });
});
