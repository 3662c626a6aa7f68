import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it, onTestFinished } from "vitest";
// From source, not the built package: the run's lifecycle runs in this process, where a mutation
// test can change it (the nodes are real child processes, fixtures/actor.mjs).
import { type DataflowRun, type RunEvent, type RunResult, startDataflow } from "../src/index.js";

const ACTOR = fileURLToPath(new URL("./fixtures/actor.mjs", import.meta.url));

interface Started {
  run: DataflowRun;
  events: RunEvent[];
  /** Resolves once `predicate` holds over the events so far. */
  until(predicate: (events: RunEvent[]) => boolean): Promise<void>;
  lines(nodeId: string): string[];
  result: Promise<RunResult>;
}

/** Starts a dataflow of actor nodes: `nodes` maps a node id to its YAML body (args, inputs, outputs). */
async function start(nodes: Record<string, string>, options: { graceMs?: number; startTimeoutMs?: number; stopAfterMs?: number; stallReportMs?: number } = {}): Promise<Started> {
  const dir = mkdtempSync(join(tmpdir(), "rvl-run-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const yaml = `nodes:\n${Object.entries(nodes)
    .map(([id, body]) => `  - id: ${id}\n    path: ${ACTOR}\n${body.replace(/^/gm, "    ")}`)
    .join("\n")}\n`;
  writeFileSync(join(dir, "dataflow.yml"), yaml);
  const events: RunEvent[] = [];
  const waiters: (() => void)[] = [];
  const run = await startDataflow({
    file: join(dir, "dataflow.yml"),
    logDir: join(dir, "logs"),
    graceMs: options.graceMs ?? 10_000,
    ...(options.startTimeoutMs === undefined ? {} : { startTimeoutMs: options.startTimeoutMs }),
    ...(options.stopAfterMs === undefined ? {} : { stopAfterMs: options.stopAfterMs }),
    ...(options.stallReportMs === undefined ? {} : { stallReportMs: options.stallReportMs }),
    onEvent: (event) => {
      events.push(event);
      for (const wake of waiters.splice(0)) wake();
    },
  });
  const until = async (predicate: (events: RunEvent[]) => boolean): Promise<void> => {
    while (!predicate(events)) await new Promise<void>((resolve) => waiters.push(resolve));
  };
  const lines = (nodeId: string): string[] => events.flatMap((e) => (e.type === "output" && e.nodeId === nodeId && e.stream === "stdout" ? [e.line] : []));
  return { run, events, until, lines, result: run.finished };
}

const said = (line: string) => (events: RunEvent[]) => events.some((e) => e.type === "output" && e.line === line);
const types = (events: RunEvent[]) => events.map((e) => e.type).filter((t) => t !== "output" && t !== "log" && t !== "drops");
const result = (r: RunResult, id: string) => r.nodes.find((n) => n.id === id)!;

describe("a dataflow run's lifecycle (in process)", () => {
  it("a producer that finishes: its consumer gets every message, INPUT_CLOSED, STOP; the run exits 0 with results in YAML order", async () => {
    const { events, lines, result: finished } = await start({ src: "args: send 3\noutputs: [out]", snk: "args: sink\ninputs:\n  in: src/out" });
    const r = await finished;
    expect(r.exitCode).toBe(0);
    expect(r.error).toBeUndefined();
    expect(r.nodes.map((n) => [n.id, n.failed])).toEqual([
      ["src", false],
      ["snk", false],
    ]);
    expect(lines("snk")).toEqual(["got 0", "got 1", "got 2", "event INPUT_CLOSED", "event STOP"]);
    expect(types(events).filter((t) => t === "ready")).toHaveLength(1);
    expect(events.find((e) => e.type === "ready")).toMatchObject({ nodeCount: 2 });
    expect(types(events)).not.toContain("stopping");
  });

  it("a node failing before the barrier stops the run: StartupFailureError names it, the others get STOP", async () => {
    const { events, result: finished } = await start({ bad: "args: exit-at-start 3\noutputs: [out]", snk: "args: sink\ninputs:\n  in: bad/out", other: "args: tick-sink\ninputs:\n  t: dora/timer/millis/5" });
    const r = await finished;
    expect(r.exitCode).toBe(1);
    expect(r.error).toMatchObject({ name: "StartupFailureError" });
    expect(r.error!.message).toContain("'bad'");
    expect(result(r, "bad")).toMatchObject({ failed: true, reason: "exited with code 3" });
    expect(events.find((e) => e.type === "stopping")).toEqual({ type: "stopping", reason: "node 'bad' failed during start-up" });
    expect(types(events)).not.toContain("ready");
    // The timer never started: the barrier never opened.
    expect(events.some((e) => e.type === "output" && e.line.startsWith("tick"))).toBe(false);
  });

  it("a node with outputs that exits 0 without joining is NodeNeverJoinedError", async () => {
    const { result: finished } = await start({ bad: "args: exit-at-start 0\noutputs: [out]", snk: "args: sink\ninputs:\n  in: bad/out" });
    const r = await finished;
    expect(r.exitCode).toBe(1);
    expect(r.error).toMatchObject({ name: "NodeNeverJoinedError" });
    expect(result(r, "bad")).toMatchObject({ failed: true, reason: "exited without joining the dataflow" });
  });

  it("a node failing after the barrier: its consumer gets NODE_FAILED then INPUT_CLOSED, the rest runs on, the run exits 1 naming it", async () => {
    const { run, until, lines, events, result: finished } = await start({
      bad: "args: fail-after 3\noutputs: [out]",
      snk: "args: sink\ninputs:\n  in: bad/out\n  t: dora/timer/millis/5",
    });
    await until(said("event INPUT_CLOSED"));
    expect(lines("snk").filter((l) => l.startsWith("event"))).toEqual(["event NODE_FAILED bad", "event INPUT_CLOSED"]);
    // The consumer is still running on its timer: no stop was started by the failure.
    expect(types(events)).not.toContain("stopping");
    run.stop("test over");
    const r = await finished;
    expect(r.exitCode).toBe(1);
    expect(r.error).toBeUndefined();
    expect(result(r, "bad")).toMatchObject({ failed: true, reason: "exited with code 3" });
    expect(result(r, "snk").failed).toBe(false);
  });

  it("timers tick only after the barrier, which waits for a node that joins late", async () => {
    const { run, until, events, result: finished } = await start({ ticks: "args: tick-sink\ninputs:\n  t: dora/timer/millis/5", late: "args: late-sink\ninputs:\n  in: dora/timer/millis/50" });
    await until(said("tick t"));
    const ready = events.findIndex((e) => e.type === "ready");
    const firstTick = events.findIndex((e) => e.type === "output" && e.line === "tick t");
    expect(ready).toBeGreaterThanOrEqual(0);
    expect(firstTick).toBeGreaterThan(ready);
    run.stop("test over");
    expect((await finished).exitCode).toBe(0);
  });

  it("stop(): STOP to every node; the grace then SIGTERM for one that ignores it, named with the grace", async () => {
    const { run, until, events, result: finished } = await start({ stub: "args: stubborn\noutputs: [out]", snk: "args: sink\ninputs:\n  in: stub/out" }, { graceMs: 300 });
    await until(said("ready"));
    run.stop("test over");
    const r = await finished;
    expect(events.find((e) => e.type === "stopping")).toEqual({ type: "stopping", reason: "test over" });
    expect(events.filter((e) => e.type === "escalate")).toEqual([{ type: "escalate", nodeIds: ["stub"], signal: "SIGTERM" }]);
    expect(result(r, "stub")).toMatchObject({ failed: true, reason: "did not exit within 0.3 s of STOP; terminated with SIGTERM" });
    expect(result(r, "snk").failed).toBe(false);
    expect(r.exitCode).toBe(1);
  });

  it("a node that also ignores SIGTERM gets SIGKILL after another grace", async () => {
    const { run, until, events, result: finished } = await start({ stub: "args: stubborn term\noutputs: [out]", snk: "args: sink\ninputs:\n  in: stub/out" }, { graceMs: 300 });
    await until(said("ready"));
    run.stop();
    const r = await finished;
    expect(events.find((e) => e.type === "stopping")).toEqual({ type: "stopping", reason: "stop requested" });
    expect(events.filter((e) => e.type === "escalate").map((e) => e.type === "escalate" && e.signal)).toEqual(["SIGTERM", "SIGKILL"]);
    expect(result(r, "stub")).toMatchObject({ failed: true, reason: "did not exit within 0.3 s of STOP; killed with SIGKILL" });
  });

  it("a second stop() kills at once, naming why", async () => {
    const { run, until, events, result: finished } = await start({ stub: "args: stubborn term\noutputs: [out]" });
    await until(said("ready"));
    run.stop("first");
    await until(said("ignoring STOP"));
    run.stop("second interrupt");
    const r = await finished;
    expect(events.filter((e) => e.type === "escalate")).toEqual([{ type: "escalate", nodeIds: ["stub"], signal: "SIGKILL" }]);
    expect(result(r, "stub")).toMatchObject({ failed: true, reason: "killed on second interrupt" });
  });

  it("a plain process gets SIGTERM at once at stop (it cannot receive STOP); its exit code counts", async () => {
    const { run, until, events, result: finished } = await start({ bg: "args: idle", snk: "args: tick-sink\ninputs:\n  t: dora/timer/millis/5", gone: "args: plain 4" });
    await until((e) => e.some((x) => x.type === "ready"));
    await until(said("tick t"));
    // `gone` has exited by itself; `bg` runs on.
    await until((e) => e.some((x) => x.type === "exit" && x.result.id === "gone"));
    run.stop("test over");
    const r = await finished;
    expect(events.find((e) => e.type === "escalate")).toEqual({ type: "escalate", nodeIds: ["bg"], signal: "SIGTERM", unregistered: true });
    expect(result(r, "bg").failed).toBe(false);
    expect(result(r, "gone")).toMatchObject({ failed: true, reason: "exited with code 4" });
    expect(r.exitCode).toBe(1);
  });

  it("a node with inputs that never registers: after the start timeout, StartTimeoutError and SIGTERM at once", async () => {
    const { events, result: finished } = await start({ late: "args: idle\ninputs:\n  in: dora/timer/millis/50" }, { startTimeoutMs: 300 });
    const r = await finished;
    expect(r.error).toMatchObject({ name: "StartTimeoutError" });
    expect(r.error!.message).toContain("late");
    expect(events.find((e) => e.type === "stopping")).toEqual({ type: "stopping", reason: "start-up timeout" });
    expect(events.find((e) => e.type === "escalate")).toEqual({ type: "escalate", nodeIds: ["late"], signal: "SIGTERM", unregistered: true });
    // It ended on that SIGTERM, its STOP: not a failure of its own, but the run failed to start.
    expect(result(r, "late").failed).toBe(false);
    expect(r.exitCode).toBe(1);
  });

  it("stopAfterMs stops the run after the barrier", async () => {
    const { events, result: finished } = await start({ snk: "args: tick-sink\ninputs:\n  t: dora/timer/millis/5" }, { stopAfterMs: 50 });
    const r = await finished;
    expect(r.exitCode).toBe(0);
    const order = types(events);
    expect(order.indexOf("ready")).toBeLessThan(order.indexOf("stopping"));
    expect(events.find((e) => e.type === "stopping")).toEqual({ type: "stopping", reason: "--stop-after 50 ms" });
  });

  it("passes a node's log and status on as events, and keeps the log line in its log", async () => {
    const { run, events, result: finished } = await start({ talk: "args: chatty\noutputs: [out]" });
    expect((await finished).exitCode).toBe(0);
    expect(readFileSync(join(run.logDir, "log_talk.txt"), "utf8")).toContain('[warn] hello {"k":1}');
    expect(events.find((e) => e.type === "log")).toEqual({ type: "log", nodeId: "talk", level: "warn", message: "hello", fields: { k: 1 } });
    expect(events.find((e) => e.type === "status")).toEqual({ type: "status", nodeId: "talk", status: { text: "busy", fill: "yellow" } });
  });

  it("a send stalled on a backpressure consumer is reported with that consumer's input", async () => {
    const { run, until, events, result: finished } = await start(
      { src: "args: send 50\noutputs: [out]", stub: "args: stubborn\ninputs:\n  in: { source: src/out, queue_size: 1, queue_policy: backpressure }\noutputs: [x]", fast: "args: sink\ninputs:\n  in: src/out" },
      { stallReportMs: 50, graceMs: 300 },
    );
    await until((e) => e.some((x) => x.type === "stalled"));
    expect(events.find((e) => e.type === "stalled")).toMatchObject({ type: "stalled", nodeId: "src", outputId: "out", consumers: [{ nodeId: "stub", inputId: "in" }] });
    run.stop("test over");
    await finished;
  });
});
