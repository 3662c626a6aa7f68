import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixture, runCli } from "./helpers/cli.js";
import { scratchFolder } from "./helpers/scratch.js";

/**
 * How far a backpressure producer may be ahead of what its consumer's program took:
 * `queue_size` credits, plus the send whose completion the producer has not recorded yet.
 */
const AHEAD_SLACK = 1;

/** The number after `label` in `text` (a line a fixture node printed). */
const numberAfter = (text: string, label: RegExp): number => Number(label.exec(text)?.[1]);

describe("SDK contracts a new user relies on", () => {
  it("backpressure with queue_size 1: a producer of small messages is never more than queue_size ahead of its consumer", async () => {
    const file = join(scratchFolder(), "sent");
    const result = await runCli(["run", fixture("backpressure-ahead")], { env: { AHEAD_FILE: file } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("consumer took 100;");
    expect(numberAfter(result.stdout, /the producer was at most (\d+) ahead/)).toBeLessThanOrEqual(1 + AHEAD_SLACK);
  });

  it("an endless source that never reads events sees STOP through node.signal and exits cleanly with --stop-after", async () => {
    // A long grace: if the source did not see STOP, the run would hang here until SIGTERM and fail.
    const result = await runCli(["run", fixture("endless-source"), "--stop-after", "1s", "--grace", "60s"], { timeoutMs: 40_000 });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\[source\] source stopped after \d+ messages/);
    expect(result.stdout).toMatch(/\[sink\] sink received \d+ messages/);
    expect(result.stderr).not.toContain("SIGTERM");
  });

  it("after a failed start-up, a send waiting at the barrier is refused with NodeStoppedError and nothing reaches the receiver", async () => {
    // 5 s: the sender and receiver must have joined (compiled, connected) before the timeout, even on a loaded machine.
    const result = await runCli(["run", fixture("startup-fails"), "--start-timeout", "5s", "--grace", "300ms"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("StartTimeoutError");
    expect(result.stdout).toContain("[sender] sender refused: NodeStoppedError");
    expect(result.stdout).not.toContain("sender sent all");
    expect(result.stdout).toContain("[receiver] receiver got 0 messages");
  });

  it("messages lost at STOP are counted: what the source sent is what the consumer received (read or discarded), up to queue_size in flight", async () => {
    const result = await runCli(["run", fixture("stop-counts"), "--stop-after", "1s"]);
    expect(result.code).toBe(0);
    const sent = numberAfter(result.stdout, /source sent (\d+)/);
    const line = /consumer read (\d+) (\{.*\})/.exec(result.stdout);
    expect(line).not.toBeNull();
    const stats = JSON.parse(line![2]!) as { received: number; dropped: number; discarded: number; pending: number };
    expect(sent).toBeGreaterThan(0);
    expect(stats.received - stats.discarded).toBe(Number(line![1]));
    // Only frames still in flight when the consumer closed (at most its queue_size credits) are unaccounted.
    expect(sent - stats.received).toBeGreaterThanOrEqual(0);
    expect(sent - stats.received).toBeLessThanOrEqual(10);
    // rivulet run reports dropped + discarded per input (README "Queues"), and nothing when none was lost.
    const lost = stats.dropped + stats.discarded;
    if (lost > 0) expect(result.stderr).toContain(`node 'consumer' lost ${lost} message${lost === 1 ? "" : "s"} on input 'in'`);
    else expect(result.stderr).not.toContain("node 'consumer' lost");
  });

  it("a timer input's drops in node.stats() agree with the drops rivulet run reports at the end", async () => {
    const result = await runCli(["run", fixture("timer-stats")]);
    expect(result.code).toBe(0);
    const stats = JSON.parse(/worker stats (\{.*\})/.exec(result.stdout)![1]!) as { dropped: number };
    expect(stats.dropped).toBeGreaterThan(0);
    const finals = [...result.stderr.matchAll(/node 'worker' lost (\d+) messages? on input 'tick' \(dropped for a full queue, or discarded at stop: see node\.stats\(\)\)/g)].map((m) => Number(m[1]));
    expect(finals).toEqual([stats.dropped]);
  });
});
