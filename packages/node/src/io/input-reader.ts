import type { InputEvent } from "@rivulet/core";
import type { ClaimEnd, InputClaim, PatternHost } from "../patterns/pattern-host.js";

/** Options of `node.inputs()`. */
export interface InputReadOptions {
  /** Aborts the wait for the next event: the iteration throws AbortError and lets the input go. */
  signal?: AbortSignal;
}

/**
 * The INPUT events of one input, in arrival order, for one `for await` loop or one `it-pipe`
 * source. The input is claimed: its messages no longer reach the node's main loop (control
 * events, INPUT_CLOSED and NODE_FAILED among them, still do).
 *
 * Nothing is read ahead: an event leaves the input's queue when the loop asks for it, so the
 * input's `queue_size` and `queue_policy` bound what waits (a backpressure input slows its
 * producer while the loop, or the concurrent work behind it, is busy).
 *
 * Each event is retained (`InputEvent.retain`) before it is yielded: the loop usually hands it
 * to work that outlives the next read, so the SDK does not give lent bytes (shared memory) back
 * when the next event is taken. `event.release()` returns them early; otherwise the garbage
 * collector does.
 *
 * The iteration ends, after the events queued before, when the input closes, when its producer
 * fails, or when the node stops (STOP, `close()`): `ended` then says which. It does not throw
 * on a producer's failure, so work already started finishes; the main loop gets NODE_FAILED.
 * Leaving the loop (`break`, a throw, `it-pipe` ending early) lets the input go for good at once,
 * even while a read is waiting: what is queued and what arrives later is discarded and counted
 * in the input's `discarded` (`node.stats()`); a later iteration ends at once.
 */
export class InputReader implements AsyncIterable<InputEvent> {
  constructor(
    private readonly claim: InputClaim,
    private readonly options: InputReadOptions = {},
  ) {}

  /** The input read. */
  get inputId(): string {
    return this.claim.inputId;
  }

  /**
   * Why the input ended (`closed`, `failed` with the producer and its error, `stopped`, or
   * `released` when the loop was left); undefined while it is open.
   */
  get ended(): ClaimEnd | undefined {
    return this.claim.ended;
  }

  /**
   * Not a generator: `return()` must let the input go while a `next()` is still waiting (a
   * generator queues it behind that read), so the waiting read ends at once.
   */
  [Symbol.asyncIterator](): AsyncIterator<InputEvent> {
    const done: IteratorResult<InputEvent> = { done: true, value: undefined };
    const leave = (): IteratorResult<InputEvent> => {
      this.claim.release();
      return done;
    };
    return {
      next: async () => {
        try {
          const event = await this.claim.recv(this.options);
          if (event === null) return leave();
          event.retain();
          return { done: false, value: event };
        } catch (error) {
          leave();
          throw error;
        }
      },
      return: async () => leave(),
    };
  }
}

/**
 * Reads input `inputId` of `host` (a node) as an async iterable of its events: see `InputReader`.
 * @throws UndeclaredInputError when the node has no such input; InputClaimedError when a
 *   pattern (or another `inputs()`) reads it already.
 */
export function inputs(host: PatternHost, inputId: string, options?: InputReadOptions): InputReader {
  // The program waits on this reader as on the main loop: its wait keeps the process alive.
  return new InputReader(host.claim(inputId, "inputs", { keepsAlive: true }), options);
}
