import type { NodeEvent, OperatorConfig, ReloadEvent } from "@rivulet/core/internal";
import { Status } from "@rivulet/node";
import type { OperatorHost } from "./operator-host.js";
import { isThenable } from "./operator-instance.js";
import { type InputBound, type MailboxInputStats, OperatorMailbox } from "./operator-mailbox.js";

/** How an operator ended. */
export type OperatorEnd = "stop-event" | "stop" | "stop-all" | "failed";

/** What a slot tells its runtime. */
export interface OperatorSlotHooks {
  /** The operator returned STOP_ALL (it ends too, `ended` follows). */
  stopAll(slot: OperatorSlot): void;
  /** The operator ended: its local consumers' inputs close. Called once. */
  ended(slot: OperatorSlot, how: OperatorEnd): void;
  /** The operator failed: the runtime stops. */
  failed(slot: OperatorSlot, error: Error): void;
}

/**
 * One operator in its runtime: its mailbox, which of its inputs are still open, and the pump
 * that hands its events to its host (one at a time, or a window of them to a worker). Events are
 * the operator's own (its input ids). A pump runs synchronously as long as the operator answers
 * synchronously, so a message sent from one shared operator to the next is handled before the
 * send returns; an operator already busy (an `onEvent` promise pending, or a message sent back
 * to it from downstream) finds the event in its mailbox when it is done. The operator's last event is STOP: from the dataflow, or once all
 * its inputs closed (`all-inputs-closed`); after that, or after it returned STOP or STOP_ALL,
 * its mailbox is closed and later events are discarded (counted).
 */
export class OperatorSlot {
  readonly mailbox = new OperatorMailbox();
  readonly #open = new Set<string>();
  /** True while `#pump` runs (a send from the operator may deliver to it again). */
  #busy = false;
  /** Events handed to the host whose Status is not back yet. */
  #inFlight = 0;
  /** True while the operator's code is being reloaded: events wait in the mailbox. */
  #paused = false;
  /** Wakes a reload waiting for the events in flight to settle. */
  #wakeIdle: (() => void) | undefined;
  /** Reloads run one after the other. */
  #reloads: Promise<void> = Promise.resolve();
  /** Events handed over before the mailbox's: the RELOAD after a reload. */
  readonly #front: NodeEvent[] = [];
  readonly #window: number;
  #end: OperatorEnd | undefined;
  readonly #finished: Promise<OperatorEnd>;
  #resolveFinished!: (how: OperatorEnd) => void;

  constructor(
    readonly config: OperatorConfig,
    readonly host: OperatorHost,
    bounds: ReadonlyMap<string, InputBound>,
    private readonly hooks: OperatorSlotHooks,
  ) {
    for (const id of Object.keys(config.inputs)) {
      this.mailbox.addInput(id, bounds.get(id) ?? { queueSize: 10, queuePolicy: "drop_oldest" });
      this.#open.add(id);
    }
    this.#finished = new Promise((resolve) => (this.#resolveFinished = resolve));
    this.#window = host.window ?? 1;
  }

  get id(): string {
    return this.config.id;
  }

  /** True once the operator ended (STOP, STOP_ALL, its last event, or a failure). */
  get ended(): boolean {
    return this.#end !== undefined;
  }

  /** How the operator ended; undefined while it runs. */
  get end(): OperatorEnd | undefined {
    return this.#end;
  }

  /** Resolves with how the operator ended. */
  get finished(): Promise<OperatorEnd> {
    return this.#finished;
  }

  /**
   * Hands the operator an event (already under its own ids). Returns a promise only when a
   * `backpressure` input is full: it resolves once the event is queued.
   */
  deliver(event: NodeEvent): Promise<void> | undefined {
    const wait = this.mailbox.put(event);
    if (!this.#end) this.#pump();
    return wait;
  }

  /**
   * Reloads the operator's code (`rivulet run --watch`) between two of its events: no event is
   * handed over from the moment this is called (they wait in the mailbox, in order, none lost),
   * the events in flight settle, the host swaps the instance, and the new one gets `event` (a
   * RELOAD under its own id) before anything else queued. Reloads asked for while one runs
   * follow it. Resolves at once for an operator that has ended.
   * @throws OperatorReloadError (the old instance goes on with the waiting events).
   */
  reload(event: ReloadEvent): Promise<void> {
    const run = this.#reloads.then(() => this.#reloadNow(event));
    // The next reload waits for this one, failed or not; the caller gets this one's error.
    this.#reloads = run.catch(() => undefined);
    return run;
  }

  async #reloadNow(event: ReloadEvent): Promise<void> {
    if (this.#end) return;
    this.#paused = true;
    try {
      if (this.#inFlight > 0) await new Promise<void>((resolve) => (this.#wakeIdle = resolve));
      if (this.#end) return;
      await this.host.reload();
      this.#front.push({ ...event, operatorId: this.id });
    } finally {
      this.#paused = false;
      if (!this.#end) this.#pump();
    }
  }

  /** Ends the operator because the runtime failed or stops without it (no STOP event). */
  abandon(): void {
    this.#finish("failed");
  }

  /** Counters per input of the operator. */
  stats(): Record<string, MailboxInputStats> {
    return this.mailbox.stats();
  }

  /**
   * Hands the host the waiting events in order, until none is left, the host has `window`
   * unsettled, or the operator ended; each settled Status is acted on in order.
   */
  #pump(): void {
    if (this.#busy) return;
    this.#busy = true;
    try {
      while (!this.#end && !this.#paused && this.#inFlight < this.#window) {
        const event = this.#front.shift() ?? this.mailbox.take();
        if (!event) break;
        const status = this.host.handle(event);
        if (isThenable(status)) {
          this.#inFlight++;
          status.then(
            (settled) => {
              this.#settled();
              if (this.#after(event, settled)) this.#pump();
            },
            (error: unknown) => {
              this.#settled();
              this.#failed(error as Error);
            },
          );
          continue;
        }
        if (!this.#after(event, status)) break;
      }
    } catch (error) {
      this.#failed(error as Error);
    } finally {
      this.#busy = false;
    }
  }

  /** One event in flight settled: a reload waiting for the last one may go on. */
  #settled(): void {
    if (--this.#inFlight > 0) return;
    this.#wakeIdle?.();
    this.#wakeIdle = undefined;
  }

  /** Acts on what the operator returned for `event`; false once it ended. */
  #after(event: NodeEvent, status: Status): boolean {
    if (this.#end) return false;
    // Queued once the operator has seen its last input close (never before a message still on its way).
    if (event.type === "INPUT_CLOSED" && this.#open.delete(event.id) && this.#open.size === 0 && status !== Status.STOP && status !== Status.STOP_ALL) {
      this.mailbox.put({ type: "STOP", reason: "all-inputs-closed", metadata: event.metadata });
    }
    if (event.type === "STOP") this.#finish("stop-event");
    else if (status === Status.STOP) this.#finish("stop");
    else if (status === Status.STOP_ALL) {
      this.hooks.stopAll(this);
      this.#finish("stop-all");
    }
    return !this.#end;
  }

  #failed(error: Error): void {
    if (this.#end) return;
    this.#finish("failed");
    this.hooks.failed(this, error);
  }

  #finish(how: OperatorEnd): void {
    if (this.#end) return;
    this.#end = how;
    this.mailbox.close();
    this.#wakeIdle?.();
    this.#resolveFinished(how);
    if (how !== "failed") this.hooks.ended(this, how);
  }
}
