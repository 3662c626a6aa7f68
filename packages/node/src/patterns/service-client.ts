import { AbortError, type InputEvent, type Parameter, type SendableValue, TimeoutError } from "@rivulet/core";
import { parametersOf } from "@rivulet/core/internal";
import type { SendMetadata } from "../node-contract.js";
import { ServerFailedError, ServiceClosedError, ServiceError } from "./pattern-errors.js";
import type { ClaimEnd, InputClaim, PatternHost } from "./pattern-host.js";
import { KEYS, newId } from "./pattern-keys.js";
import { RecentIds } from "./recent-ids.js";
import { MAX_TIMER_MS } from "../keep-alive.js";

/** Per-call options of `ServiceClient.request`. */
export interface ServiceRequestOptions {
  /**
   * Milliseconds to wait for the reply; the request rejects with TimeoutError when they pass.
   * Also sent as the request's `deadline` (now + timeout, epoch ms) so the server skips it once
   * the client has given up. Omitted = wait until a reply, an abort, or the reply input's end.
   */
  timeout?: number;
  /** Rejects the request with AbortError when it fires (also aborts a send waiting for backpressure). */
  signal?: AbortSignal;
  /** Parameters to send with the request; `request_id` and `deadline` are set over them. */
  metadata?: SendMetadata;
}

/** Counters of a `ServiceClient`, plain numbers. */
export interface ServiceClientStats {
  /** Requests handed to the request output. */
  sent: number;
  /** Requests resolved with a reply. */
  replied: number;
  /** Requests whose reply carried an `error` (rejected with ServiceError). */
  errors: number;
  timedOut: number;
  /** Requests whose own `signal` fired. */
  aborted: number;
  /** Requests rejected because the reply input ended (server failed or closed, node stopping, client closed) or the send threw. */
  failed: number;
  /** Replies dropped because their request was no longer waited for (timed out, aborted, answered already). */
  late: number;
  /** Replies ignored because this client never issued their `request_id` (another client's, or none). */
  foreign: number;
  /** Requests waiting for their reply now. */
  pending: number;
}


interface PendingRequest {
  resolve: (event: InputEvent) => void;
  reject: (error: Error) => void;
  timer?: NodeJS.Timeout;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/**
 * The client side of a service: requests on output `requestOutput`, replies on input
 * `responseInput`, matched by their `request_id` parameter (UUID v7). Any number of requests may
 * be in flight. Several clients may share one server (its reply output feeds all their reply
 * inputs): each resolves only its own requests and ignores the others' replies (`foreign`).
 *
 * The reply input is claimed (taken out of the node's main loop) on the first request and read
 * until it ends. Each pending request holds the node alive (`host.hold()`) until it settles.
 * When the reply input ends, every pending request rejects at once and so does every later one:
 * with ServerFailedError when the server failed, ServiceClosedError when it ended normally or
 * this client was closed, and AbortError when this node stops (STOP or close: the node is going
 * away, as if each request's own signal had fired; the host signal's reason is the cause).
 */
export class ServiceClient {
  readonly #pending = new Map<string, PendingRequest>();
  readonly #forgotten = new RecentIds();
  readonly #stats = { sent: 0, replied: 0, errors: 0, timedOut: 0, aborted: 0, failed: 0, late: 0, foreign: 0 };
  #claim: InputClaim | undefined;
  #ended: ClaimEnd | undefined;

  constructor(
    private readonly host: PatternHost,
    readonly requestOutput: string,
    readonly responseInput: string,
  ) {}

  /**
   * Sends `value` as a request and resolves with the reply event (its `value`, `rows()` and
   * parameters as any input event's). On timeout or abort the request is forgotten: a reply
   * arriving later is dropped and counted as `late`.
   * @throws TimeoutError when `timeout` ms pass without a reply.
   * @throws AbortError when `signal` fires (before or during the request), or the node stops.
   * @throws ServiceError when the server's handler failed (the reply carries `error`).
   * @throws ServerFailedError, ServiceClosedError when the reply input ended (see the class).
   * @throws RangeError for a `timeout` that is negative, not a number, or above 2^31-1 ms.
   * @throws what `host.claim` throws for the reply input (undeclared, claimed already), and what
   *   `sendOutput` throws for the request (UndeclaredOutputError, InvalidParameterError...).
   */
  async request(value: SendableValue, options: ServiceRequestOptions = {}): Promise<InputEvent> {
    const { timeout, signal } = options;
    if (timeout !== undefined && !(timeout >= 0 && timeout <= MAX_TIMER_MS)) throw new RangeError(`request(): node '${this.host.nodeId}' output '${this.requestOutput}': timeout must be a number of milliseconds from 0 to ${MAX_TIMER_MS}, got ${timeout}`);
    const requestId = newId();
    if (signal?.aborted) {
      this.#stats.aborted++;
      throw this.#abortError(requestId, signal);
    }
    this.#open();
    if (this.#ended) {
      this.#stats.failed++;
      throw this.#endError(requestId, this.#ended);
    }
    const parameters: Record<string, Parameter> = { ...parametersOf(options.metadata), [KEYS.requestId]: requestId };
    if (timeout !== undefined) parameters[KEYS.deadline] = Date.now() + timeout;
    return new Promise<InputEvent>((resolve, reject) => {
      const pending: PendingRequest = { resolve, reject };
      if (timeout !== undefined) {
        const what = `node '${this.host.nodeId}' request ${requestId} (reply on input '${this.responseInput}')`;
        pending.timer = setTimeout(() => this.#reject(requestId, new TimeoutError(timeout, what), "timedOut"), timeout);
      }
      if (signal) {
        pending.signal = signal;
        pending.onAbort = () => this.#reject(requestId, this.#abortError(requestId, signal), "aborted");
        signal.addEventListener("abort", pending.onAbort, { once: true });
      }
      this.#pending.set(requestId, pending);
      this.host.hold();
      // The executor turns a send that throws at once into a rejection, like one that rejects later.
      new Promise<void>((sent) => sent(this.host.sendOutput(this.requestOutput, value, parameters, { signal }))).then(
        () => this.#stats.sent++,
        (error: unknown) => this.#reject(requestId, error instanceof Error ? error : new Error(String(error)), "failed"),
      );
    });
  }

  /** The client's counters. */
  stats(): ServiceClientStats {
    return { ...this.#stats, pending: this.#pending.size };
  }

  /**
   * Lets the reply input go: pending requests reject at once with ServiceClosedError (reason
   * `released`), and so does every later request. Idempotent.
   */
  close(): void {
    this.#claim?.release();
    this.#end({ reason: "released" });
  }

  /** Claims the reply input on first use and reads it until it ends. */
  #open(): void {
    if (this.#claim || this.#ended) return;
    if (this.host.signal.aborted) {
      this.#ended = { reason: "stopped" };
      return;
    }
    const claim = this.host.claim(this.responseInput, "request", { replies: true });
    this.#claim = claim;
    // STOP ends every wait at once, even before the host ends its claims.
    const onStop = (): void => this.#end({ reason: "stopped" });
    this.host.signal.addEventListener("abort", onStop, { once: true });
    void this.#read(claim).finally(() => {
      this.host.signal.removeEventListener("abort", onStop);
      this.#end(claim.ended ?? { reason: "released" });
    });
  }

  /** Replies queued before the input's end are still matched; the end is handled after them. */
  async #read(claim: InputClaim): Promise<void> {
    try {
      for await (const event of claim) this.#onReply(event);
    } catch (error) {
      // The claim is ours alone, so this is a bug; give the input back rather than stall every request.
      this.host.log("error", `service client reading input '${this.responseInput}' failed: ${String(error)}`, { input: this.responseInput });
      claim.release();
    }
  }

  #onReply(event: InputEvent): void {
    const { parameters } = event.metadata;
    const requestId = parameters[KEYS.requestId];
    const pending = typeof requestId === "string" ? this.#forget(requestId) : undefined;
    if (!pending) {
      if (typeof requestId === "string" && this.#forgotten.has(requestId)) this.#stats.late++;
      else this.#stats.foreign++;
      event.release();
      return;
    }
    const error = parameters[KEYS.error];
    if (typeof error === "string") {
      this.#stats.errors++;
      event.release();
      pending.reject(new ServiceError(this.host.nodeId, this.responseInput, requestId as string, error));
      return;
    }
    this.#stats.replied++;
    pending.resolve(event);
  }

  /** Removes a pending request (timer, abort listener, hold) and remembers its id; undefined if it was not pending. */
  #forget(requestId: string): PendingRequest | undefined {
    const pending = this.#pending.get(requestId);
    if (!pending) return undefined;
    this.#pending.delete(requestId);
    clearTimeout(pending.timer);
    if (pending.onAbort) pending.signal!.removeEventListener("abort", pending.onAbort);
    this.#forgotten.add(requestId);
    this.host.release();
    return pending;
  }

  #reject(requestId: string, error: Error, counter: "timedOut" | "aborted" | "failed"): void {
    const pending = this.#forget(requestId);
    if (!pending) return;
    this.#stats[counter]++;
    pending.reject(error);
  }

  #end(end: ClaimEnd): void {
    if (this.#ended) return;
    this.#ended = end;
    for (const requestId of [...this.#pending.keys()]) this.#reject(requestId, this.#endError(requestId, end), "failed");
  }

  #endError(requestId: string, end: ClaimEnd): Error {
    const { nodeId } = this.host;
    switch (end.reason) {
      case "failed":
        return new ServerFailedError(nodeId, this.responseInput, requestId, end.sourceNodeId, end.error);
      case "stopped":
        return new AbortError(`node '${nodeId}' is stopping: request ${requestId} (reply on input '${this.responseInput}') abandoned`, { cause: this.host.signal.reason });
      default:
        return new ServiceClosedError(nodeId, this.responseInput, requestId, end.reason);
    }
  }

  #abortError(requestId: string, signal: AbortSignal): AbortError {
    return new AbortError(`node '${this.host.nodeId}' request ${requestId}: aborted before a reply on input '${this.responseInput}'`, { cause: signal.reason });
  }
}
