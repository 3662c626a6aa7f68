import { wallClockMicros } from "@rivulet/core/internal";
import type { TimerInput } from "@rivulet/descriptor";

/**
 * Serves `dora/timer/...` inputs from the daemon: one interval per distinct period, each tick
 * sent to every consumer of that period as one message naming its inputs. Periods under 1 ms
 * tick every millisecond (the event loop's resolution).
 */
export class TimerScheduler {
  readonly #intervals: NodeJS.Timeout[] = [];
  readonly #stopped = new Set<string>();

  constructor(
    private readonly timers: readonly TimerInput[],
    private readonly tick: (consumer: string, inputs: string[], timestamp: number) => void,
  ) {}

  start(): void {
    const byPeriod = new Map<number, Map<string, string[]>>();
    for (const timer of this.timers) {
      const consumers = byPeriod.get(timer.timer.periodNs) ?? new Map<string, string[]>();
      byPeriod.set(timer.timer.periodNs, consumers);
      consumers.set(timer.consumer, [...(consumers.get(timer.consumer) ?? []), timer.input]);
    }
    for (const [periodNs, consumers] of byPeriod) {
      const interval = setInterval(
        () => {
          const timestamp = wallClockMicros();
          for (const [consumer, inputs] of consumers) if (!this.#stopped.has(consumer)) this.tick(consumer, inputs, timestamp);
        },
        Math.max(1, periodNs / 1e6),
      );
      this.#intervals.push(interval);
    }
  }

  /** Stops ticking one consumer (it exited). */
  forget(consumer: string): void {
    this.#stopped.add(consumer);
  }

  stop(): void {
    for (const interval of this.#intervals.splice(0)) clearInterval(interval);
  }
}
