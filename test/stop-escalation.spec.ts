import { type DataflowRun, type RunEvent, startDataflow } from "@rivulet/daemon";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fixture } from "./helpers/cli.js";
import { scratchFolder } from "./helpers/scratch.js";

/** The README's figure: "after the grace (default 10 s) nodes still running get SIGTERM". */
const DOCUMENTED_GRACE_MS = 10_000;

/** Every event of a run, in order, with a way to wait for one (no timers: fake ones may be on). */
class EventLog {
  readonly events: RunEvent[] = [];
  #waiters: { match: (e: RunEvent) => boolean; resolve: () => void }[] = [];

  readonly onEvent = (event: RunEvent): void => {
    this.events.push(event);
    for (const waiter of this.#waiters.filter((w) => w.match(event))) {
      this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };

  waitFor(match: (e: RunEvent) => boolean): Promise<void> {
    if (this.events.some(match)) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ match, resolve }));
  }

  kinds(): string[] {
    return this.events.filter((e) => e.type === "stopping" || e.type === "escalate" || e.type === "exit").map((e) => (e.type === "escalate" ? e.signal : e.type));
  }
}

const printed = (text: string) => (e: RunEvent) => e.type === "output" && e.line.includes(text);

afterEach(() => {
  vi.useRealTimers();
});

describe("README: STOP, then after the grace SIGTERM, then after another grace SIGKILL", () => {
  // The daemon's own scheduling is what is asserted: its escalation timers run on a fake
  // clock that the test advances to one millisecond before, then onto, each documented time.
  it("escalates at exactly 10 s and 20 s after STOP (the default grace), in that order, through the real daemon", async () => {
    const log = new EventLog();
    const run: DataflowRun = await startDataflow({ file: fixture("ignore-sigterm"), logDir: scratchFolder(), onEvent: log.onEvent });
    await log.waitFor(printed("ready"));

    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    run.stop("test");
    expect(log.kinds()).toEqual(["stopping"]);

    vi.advanceTimersByTime(DOCUMENTED_GRACE_MS - 1);
    expect(log.kinds()).toEqual(["stopping"]);
    vi.advanceTimersByTime(1);
    expect(log.kinds()).toEqual(["stopping", "SIGTERM"]);
    // The node really got it (it ignores SIGTERM and says so).
    await log.waitFor(printed("ignoring SIGTERM"));

    vi.advanceTimersByTime(DOCUMENTED_GRACE_MS - 1);
    expect(log.kinds()).toEqual(["stopping", "SIGTERM"]);
    vi.advanceTimersByTime(1);
    expect(log.kinds()).toEqual(["stopping", "SIGTERM", "SIGKILL"]);
    vi.useRealTimers();

    const result = await run.finished;
    expect(log.kinds()).toEqual(["stopping", "SIGTERM", "SIGKILL", "exit"]);
    expect(result.exitCode).toBe(1);
    expect(result.nodes[0]).toMatchObject({ id: "immortal", failed: true, exit: { signal: "SIGKILL" } });
  });
});
