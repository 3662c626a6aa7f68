import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it, onTestFinished } from "vitest";
// From source, not the built package: the run's lifecycle runs in this process, where a mutation
// test can change it (the nodes are real child processes, fixtures/actor.mjs, fast to start).
// Failures and stops: dataflow-run.spec.ts.
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
async function start(nodes: Record<string, string>, options: { stopAfterMs?: number } = {}): Promise<Started> {
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
    ...(options.stopAfterMs === undefined ? {} : { stopAfterMs: options.stopAfterMs }),
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

describe("a dataflow run's ordinary course (in process, actor nodes)", () => {
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
});
