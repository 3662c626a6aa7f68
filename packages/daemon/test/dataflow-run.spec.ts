import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it, onTestFinished } from "vitest";
// The run's lifecycle from the package's own source (the end-to-end specs under test/ use the
// built package): real node processes from test/fixtures, a real control socket.
import { type DataflowRun, startDataflow } from "../src/dataflow-run.js";
import type { RunEvent } from "../src/run-events.js";

const fixture = (name: string): string => fileURLToPath(new URL(`../../../test/fixtures/dataflows/${name}/dataflow.yml`, import.meta.url));

/** Every event of one run, with a way to wait for one. */
class Events {
  readonly list: RunEvent[] = [];
  #waiters: { match: (e: RunEvent) => boolean; resolve: () => void }[] = [];

  readonly onEvent = (event: RunEvent): void => {
    this.list.push(event);
    for (const waiter of this.#waiters.filter((w) => w.match(event))) {
      this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };

  waitFor(match: (e: RunEvent) => boolean): Promise<void> {
    if (this.list.some(match)) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ match, resolve }));
  }

  lines(nodeId?: string): string[] {
    return this.list.flatMap((e) => (e.type === "output" && (nodeId === undefined || e.nodeId === nodeId) ? [e.line] : []));
  }

  of<T extends RunEvent["type"]>(type: T): Extract<RunEvent, { type: T }>[] {
    return this.list.filter((e): e is Extract<RunEvent, { type: T }> => e.type === type);
  }

  /** The lifecycle events in order: ready, stopping, SIGTERM/SIGKILL (with `!` when sent in place of STOP), exit:<node>. */
  lifecycle(): string[] {
    return this.list.flatMap((e) => {
      if (e.type === "ready" || e.type === "stopping") return [e.type];
      if (e.type === "escalate") return [`${e.signal}${e.unregistered ? "!" : ""}:${e.nodeIds.join(",")}`];
      if (e.type === "exit") return [`exit:${e.result.id}`];
      return [];
    });
  }
}

const printed = (text: string, nodeId?: string) => (e: RunEvent) => e.type === "output" && (nodeId === undefined || e.nodeId === nodeId) && e.line.includes(text);

async function start(name: string, options: { graceMs?: number; startTimeoutMs?: number; stallReportMs?: number } = {}): Promise<{ run: DataflowRun; events: Events; logDir: string }> {
  const logDir = mkdtempSync(join(tmpdir(), "rvl-daemon-run-"));
  onTestFinished(() => rmSync(logDir, { recursive: true, force: true }));
  const events = new Events();
  const run = await startDataflow({ file: fixture(name), logDir, onEvent: events.onEvent, ...options });
  return { run, events, logDir };
}

describe("a dataflow run (daemon source, real nodes)", () => {
  it("a node failing after start-up: its consumer gets NODE_FAILED, the rest runs on and ends, the run fails naming it", async () => {
    const { run, events, logDir } = await start("fails-after-start");
    const result = await run.finished;
    expect(result.logDir).toBe(logDir);
    expect(result.dataflowId).toBe(run.dataflowId);
    expect(result.exitCode).toBe(1);
    expect(result.error).toBeUndefined();
    // In the descriptor's order, whatever order they exited in.
    expect(result.nodes.map((n) => n.id)).toEqual(["failer", "watcher", "bystander"]);
    expect(result.nodes.map((n) => [n.id, n.failed, n.reason])).toEqual([
      ["failer", true, "exited with code 3"],
      ["watcher", false, undefined],
      ["bystander", false, undefined],
    ]);
    expect(result.nodes[0]!.stderrTail).toContain("failer: sensor lost");
    expect(events.lines("watcher")).toContain("watcher: NODE_FAILED from failer on data");
    expect(events.lines("bystander")).toContain("bystander: got 'sent after failer failed'");
    // Not stopped: the failure after the barrier stops nothing.
    expect(events.of("stopping")).toEqual([]);
    expect(events.lifecycle()[0]).toBe("ready");
    expect(events.of("ready")).toEqual([{ type: "ready", nodeCount: 3 }]);
  });

  it("a node asking for the stop (stop_all): every node gets STOP, the run succeeds, the event and the asker's log name it", async () => {
    const { run, events, logDir } = await start("stop-all", { graceMs: 5000 });
    const result = await run.finished;
    expect(result.exitCode).toBe(0);
    expect(result.error).toBeUndefined();
    expect(result.nodes.map((n) => [n.id, n.failed])).toEqual([["asker", false], ["worker", false]]);
    expect(events.of("stopping")).toEqual([{ type: "stopping", reason: "node 'asker' asked to stop the dataflow: done", requestedBy: "asker" }]);
    expect(events.lines("asker")).toEqual(["asker: asked to stop", "asker: STOP manual"]);
    expect(events.lines("worker")).toEqual(["worker: STOP manual after some ticks"]);
    // Stopped by STOP within the grace: no signal was needed.
    expect(events.of("escalate")).toEqual([]);
    expect(readFileSync(join(logDir, "log_asker.txt"), "utf8")).toContain("asked to stop the dataflow: done");
  });

  it("STOP ignored: SIGTERM after the grace to that node only, and it fails naming the grace", async () => {
    const { run, events } = await start("ignore-stop", { graceMs: 300 });
    await events.waitFor(printed("ready", "stubborn"));
    expect(run.controlSocketPath).toMatch(/control\.sock$/);
    run.stop("test over");
    expect(events.of("stopping")).toEqual([{ type: "stopping", reason: "test over" }]);
    const result = await run.finished;
    expect(events.lifecycle()).toEqual(["ready", "stopping", "SIGTERM:stubborn", "exit:stubborn"]);
    expect(result.exitCode).toBe(1);
    expect(result.nodes[0]).toMatchObject({ id: "stubborn", failed: true, reason: "did not exit within 0.3 s of STOP; terminated with SIGTERM", exit: { signal: "SIGTERM" } });
    // The socket is gone with the run.
    expect(result.error).toBeUndefined();
  });

  it("STOP and SIGTERM ignored: SIGKILL after another grace", async () => {
    const { run, events } = await start("ignore-sigterm", { graceMs: 200 });
    await events.waitFor(printed("ready", "immortal"));
    run.stop();
    expect(events.of("stopping")).toEqual([{ type: "stopping", reason: "stop requested" }]);
    const result = await run.finished;
    expect(events.lifecycle()).toEqual(["ready", "stopping", "SIGTERM:immortal", "SIGKILL:immortal", "exit:immortal"]);
    expect(events.lines("immortal")).toContain("ignoring SIGTERM");
    expect(result.nodes[0]).toMatchObject({ failed: true, reason: "did not exit within 0.2 s of STOP; killed with SIGKILL", exit: { signal: "SIGKILL" } });
  });

  it("a second stop request skips the grace: SIGKILL at once, the node fails naming that request", async () => {
    const { run, events } = await start("ignore-sigterm", { graceMs: 600_000 });
    await events.waitFor(printed("ready", "immortal"));
    run.stop("first");
    run.stop("Ctrl-C again");
    run.stop("third");
    const result = await run.finished;
    expect(events.lifecycle()).toEqual(["ready", "stopping", "SIGKILL:immortal", "exit:immortal"]);
    expect(events.of("stopping")).toHaveLength(1);
    expect(result.nodes[0]).toMatchObject({ failed: true, reason: "killed on Ctrl-C again", exit: { signal: "SIGKILL" } });
  });

  it("a second stop without a reason names 'second stop request'", async () => {
    const { run, events } = await start("ignore-sigterm", { graceMs: 600_000 });
    await events.waitFor(printed("ready", "immortal"));
    run.stop();
    run.stop();
    const result = await run.finished;
    expect(result.nodes[0]).toMatchObject({ failed: true, reason: "killed on second stop request" });
  });

  it("a node that stops reading but exits 0 on SIGTERM after the grace has not failed", async () => {
    const { run, events } = await start("stall", { graceMs: 300, stallReportMs: 50 });
    await events.waitFor((e) => e.type === "stalled");
    const stalled = events.of("stalled")[0]!;
    expect(stalled).toMatchObject({ nodeId: "producer", outputId: "frames", consumers: [{ nodeId: "stuck", inputId: "in" }] });
    expect(stalled.waitedMs).toBeGreaterThanOrEqual(50);
    run.stop("test over");
    const result = await run.finished;
    expect(events.of("escalate")).toEqual([{ type: "escalate", nodeIds: ["stuck"], signal: "SIGTERM" }]);
    // The producer, its send pending, saw STOP and ended itself: no SIGTERM for it.
    expect(result.nodes.map((n) => [n.id, n.failed])).toEqual([
      ["producer", false],
      ["stuck", false],
    ]);
    expect(result.exitCode).toBe(0);
  });

  it("a plain process (no inputs, no outputs) never registers: the barrier opens without it, and stop sends it SIGTERM at once, a clean stop", async () => {
    const { run, events } = await start("plain-process", { graceMs: 600_000 });
    await events.waitFor((e) => e.type === "ready");
    await events.waitFor(printed("plain started", "plain"));
    run.stop("test over");
    const result = await run.finished;
    expect(events.of("escalate")).toEqual([{ type: "escalate", nodeIds: ["plain"], signal: "SIGTERM", unregistered: true }]);
    expect(result.nodes.find((n) => n.id === "plain")).toMatchObject({ failed: false, exit: { signal: "SIGTERM" } });
    // (The receiver fails here: it writes to $PLAIN_MARKER, which this test leaves unset.)
    expect(result.nodes.find((n) => n.id === "sender")).toMatchObject({ failed: false });
  });

  it("a node with an input that exits without joining: NodeNeverJoinedError, the others stopped", async () => {
    const { run, events } = await start("shell-never-joins", { graceMs: 600_000 });
    const result = await run.finished;
    expect(result.error).toMatchObject({ name: "NodeNeverJoinedError", nodeId: "listener", exitCode: 0 });
    expect(result.exitCode).toBe(1);
    expect(result.nodes.find((n) => n.id === "listener")).toMatchObject({ failed: true, reason: "exited without joining the dataflow" });
    expect(events.of("ready")).toEqual([]);
    expect(events.of("stopping")).toEqual([{ type: "stopping", reason: "node 'listener' failed during start-up" }]);
  });

  it("a node that throws during start-up: StartupFailureError naming it, its consumer stopped", async () => {
    const { run, events } = await start("crash-at-start", { graceMs: 600_000 });
    const result = await run.finished;
    expect(result.error).toMatchObject({ name: "StartupFailureError", nodeId: "sender", reason: "exited with code 1" });
    expect(result.exitCode).toBe(1);
    expect(events.of("ready")).toEqual([]);
    expect(result.nodes.find((n) => n.id === "sender")?.stderrTail.join("\n")).toContain("model.bin not found");
    expect(result.nodes.find((n) => n.id === "receiver")).toMatchObject({ failed: false });
  });

  it("a node that never joins: StartTimeoutError naming it, SIGTERM to it at once, STOP to the rest", async () => {
    const { run, events } = await start("never-joins", { graceMs: 600_000, startTimeoutMs: 2_000 });
    const result = await run.finished;
    expect(result.error).toMatchObject({ name: "StartTimeoutError", timeoutMs: 2_000 });
    expect((result.error as unknown as { nodeIds: string[] }).nodeIds).toContain("loner");
    expect(events.of("stopping")).toEqual([{ type: "stopping", reason: "start-up timeout" }]);
    expect(events.of("escalate")).toContainEqual(expect.objectContaining({ signal: "SIGTERM", unregistered: true, nodeIds: expect.arrayContaining(["loner"]) }));
    expect(events.of("ready")).toEqual([]);
    // SIGTERM was its STOP: not a failure of its own; the run fails for the timeout.
    expect(result.nodes.find((n) => n.id === "loner")).toMatchObject({ failed: false, exit: { signal: "SIGTERM" } });
    expect(result.exitCode).toBe(1);
  });

  it("drops are reported live while the run goes on, and once more, final, when the node exits", async () => {
    const { run, events } = await start("drops-live", { graceMs: 600_000 });
    await events.waitFor((e) => e.type === "drops" && !e.final);
    run.stop("test over");
    const result = await run.finished;
    const live = events.of("drops").filter((e) => !e.final);
    const final = events.of("drops").filter((e) => e.final);
    expect(live.every((e) => e.nodeId === "slow" && e.port === "input" && e.portId === "in")).toBe(true);
    // Each live report says a larger total than the one before.
    for (let i = 1; i < live.length; i++) expect(live[i]!.total).toBeGreaterThan(live[i - 1]!.total);
    const slow = result.nodes.find((n) => n.id === "slow")!;
    expect(final).toContainEqual({ type: "drops", nodeId: "slow", port: "input", portId: "in", total: slow.drops.inputs.in, final: true });
    expect(slow.drops.inputs.in).toBeGreaterThanOrEqual(live.at(-1)!.total);
    expect(result.exitCode).toBe(0);
  });
});
