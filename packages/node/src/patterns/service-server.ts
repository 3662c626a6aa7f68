import type { InputEvent, SendableValue } from "@rivulet/core";
import { DeadlineExceededError } from "./pattern-errors.js";
import type { ClaimEnd, InputClaim, PatternHost } from "./pattern-host.js";
import { requestDeadline, requestExpired, requestIdOf, respond, respondError } from "./service-reply.js";
import { MAX_TIMER_MS } from "../keep-alive.js";

/** What a service handler gets besides the request. */
export interface ServiceHandlerContext {
  /**
   * Aborts when the node stops (its reason: the host signal's), or when the request's deadline
   * passes (reason: DeadlineExceededError; the reply would not be sent anyway). Pass it to the
   * handler's fetches and timers.
   */
  signal: AbortSignal;
  /** The request's deadline (epoch ms), undefined when its client set no timeout. */
  deadline: number | undefined;
  /** The request's `request_id`, undefined when it carries none. */
  requestId: string | undefined;
}

/**
 * Computes the reply to one request; a throw (or rejection) becomes an error reply. Returning
 * nothing sends an empty reply (an acknowledgement).
 */
export type ServiceHandler = (request: InputEvent, context: ServiceHandlerContext) => Promise<SendableValue | void> | SendableValue | void;

/** Options of `serve`. */
export interface ServeInit {
  /**
   * Handlers running at once, at most (default 64). Further requests wait in the request input's
   * queue, so its queue size and policy apply: `drop_oldest` drops the oldest waiting requests
   * (their clients time out), `backpressure` slows the clients' sends.
   */
  concurrency?: number;
}

/** Counters of a `ServiceServer`, plain numbers. */
export interface ServiceServerStats {
  /** Requests read from the request input. */
  received: number;
  /** Replies sent with the handler's value. */
  replied: number;
  /** Handlers that threw, or whose value could not be sent: answered with an error reply. */
  failed: number;
  /** Requests skipped because their deadline had passed when read (the handler never ran). */
  expired: number;
  /** Replies not sent because the request's deadline passed while its handler ran. */
  abandoned: number;
  /** Handlers running now. */
  inFlight: number;
}

/** The default bound on handlers running at once (see `ServeInit.concurrency`). */
export const DEFAULT_SERVE_CONCURRENCY = 64;

/**
 * The server side of a service (see `serve`): reads requests from a claimed input, runs the
 * handler for each (up to `concurrency` at once, replies in completion order) and sends each
 * reply on the response output with the request's `request_id`. Holds the node alive
 * (`host.hold()`) from its start until it is done.
 */
export class ServiceServer {
  /**
   * Resolves when the server is done, with why its request input ended (`closed` when every
   * client ended, `failed`, `stopped` at STOP, `released` after `close()`), once the handlers
   * still running have finished and their replies were sent; at STOP it waits for none (their
   * `signal` aborted; a handler ignoring it must not keep the node from exiting). Never rejects.
   */
  readonly done: Promise<ClaimEnd>;
  readonly #claim: InputClaim | undefined;
  readonly #concurrency: number;
  readonly #inFlight = new Set<Promise<void>>();
  /** The running handlers' signals, aborted together at STOP (one listener on the host's signal, not one each). */
  readonly #handlerSignals = new Set<AbortController>();
  readonly #stats = { received: 0, replied: 0, failed: 0, expired: 0, abandoned: 0 };

  /** @throws see `serve`. */
  constructor(
    private readonly host: PatternHost,
    readonly requestInput: string,
    readonly responseOutput: string,
    private readonly handler: ServiceHandler,
    init: ServeInit = {},
  ) {
    const concurrency = init.concurrency ?? DEFAULT_SERVE_CONCURRENCY;
    if (!(Number.isInteger(concurrency) && concurrency >= 1)) throw new RangeError(`serve concurrency must be a whole number >= 1, got ${concurrency}`);
    this.#concurrency = concurrency;
    if (host.signal.aborted) {
      this.done = Promise.resolve({ reason: "stopped" });
      return;
    }
    this.#claim = host.claim(requestInput, "serve");
    this.done = this.#run(this.#claim);
  }

  /** The server's counters. */
  stats(): ServiceServerStats {
    return { ...this.#stats, inFlight: this.#inFlight.size };
  }

  /**
   * Stops taking new requests: the request input is let go, and requests arriving later are
   * discarded and counted by the input (their clients time out, or wait if they set no timeout).
   * Requests already queued for the server and handlers running are still answered. Resolves as
   * `done`. Idempotent.
   */
  close(): Promise<ClaimEnd> {
    this.#claim?.release();
    return this.done;
  }

  async #run(claim: InputClaim): Promise<ClaimEnd> {
    this.host.hold();
    // At STOP the handlers' signals abort, and the server waits for none of them any more: a
    // handler that ignores its signal must not keep the node from exiting.
    let onStop!: () => void;
    const stopped = new Promise<void>((resolve) => {
      onStop = () => {
        for (const controller of this.#handlerSignals) controller.abort(this.host.signal.reason);
        resolve();
      };
    });
    if (this.host.signal.aborted) onStop();
    else this.host.signal.addEventListener("abort", onStop, { once: true });
    const settled = (): Promise<unknown> => Promise.race([Promise.all(this.#inFlight), stopped]);
    try {
      for (;;) {
        // At the bound, later requests stay in the input's queue, under its policy.
        if (this.#inFlight.size >= this.#concurrency) await Promise.race([...this.#inFlight, stopped]);
        const request = await claim.recv();
        if (!request) break;
        this.#stats.received++;
        const task = this.#handle(request).finally(() => this.#inFlight.delete(task));
        this.#inFlight.add(task);
      }
      await settled();
    } catch (error) {
      // recv only throws on a second reader, which an unshared claim cannot have: report it, give the input back.
      this.host.log("error", `service on input '${this.requestInput}' stopped reading: ${String(error)}`, { input: this.requestInput });
      claim.release();
      await settled();
    } finally {
      this.host.signal.removeEventListener("abort", onStop);
      this.host.release();
    }
    return claim.ended ?? { reason: "released" };
  }

  /** Runs the handler for one request and sends its reply; never rejects. */
  async #handle(request: InputEvent): Promise<void> {
    const requestId = requestIdOf(request);
    const deadline = requestDeadline(request);
    if (requestExpired(request)) {
      // Counted, not logged one by one: a busy service whose clients time out would flood the log.
      this.#stats.expired++;
      request.release();
      return;
    }
    const controller = new AbortController();
    if (this.host.signal.aborted) controller.abort(this.host.signal.reason);
    this.#handlerSignals.add(controller);
    // Past MAX_TIMER_MS setTimeout fires at once; a deadline that far away never aborts the handler.
    const wait = deadline === undefined ? Infinity : deadline - Date.now();
    const timer = wait <= MAX_TIMER_MS ? setTimeout(() => controller.abort(new DeadlineExceededError(this.host.nodeId, this.requestInput, requestId ?? "(none)", deadline!)), wait) : undefined;
    let outcome: { value: SendableValue } | { error: unknown };
    try {
      outcome = { value: (await this.handler(request, { signal: controller.signal, deadline, requestId })) ?? null };
    } catch (error) {
      outcome = { error };
    } finally {
      clearTimeout(timer);
      this.#handlerSignals.delete(controller);
    }
    await this.#reply(request, requestId, outcome);
  }

  async #reply(request: InputEvent, requestId: string | undefined, outcome: { value: SendableValue } | { error: unknown }): Promise<void> {
    if ("value" in outcome) {
      try {
        if (await respond(this.host, this.responseOutput, request, outcome.value)) this.#stats.replied++;
        else this.#abandoned();
        return;
      } catch (error) {
        outcome = { error };
      }
    }
    if (requestExpired(request)) {
      this.#abandoned();
      return;
    }
    this.#stats.failed++;
    // At STOP the handlers are aborted on purpose and nothing more is sent: no warning for each.
    if (this.host.signal.aborted) return;
    this.host.log("warn", `request ${requestId} on input '${this.requestInput}' failed: ${String(outcome.error)}; replying with the error`, this.#fields(requestId));
    try {
      await respondError(this.host, this.responseOutput, request, outcome.error);
    } catch (error) {
      this.host.log("error", `request ${requestId}: the error reply on output '${this.responseOutput}' could not be sent: ${String(error)}`, this.#fields(requestId));
    }
  }

  /** Counted, not logged one by one (see `expired`). */
  #abandoned(): void {
    this.#stats.abandoned++;
  }

  #fields(requestId: string | undefined): Record<string, string> {
    return { input: this.requestInput, output: this.responseOutput, request_id: requestId ?? "" };
  }
}

/**
 * Serves requests arriving on input `requestInput` with `handler`, replying on output
 * `responseOutput`. The input is claimed (taken out of the node's main loop). Each reply carries
 * the request's `request_id`; a request whose `deadline` passed is skipped (`expired`), and a
 * reply whose deadline passed while the handler ran is not sent (`abandoned`): its client has
 * timed out already. When the handler throws, the server logs a warning naming the request,
 * replies with parameter `error` set to the message (the client rejects with ServiceError) and
 * goes on. Serving ends when the request input ends (every client ended, or failed), at STOP,
 * or on `close()`; see `ServiceServer.done`.
 * @throws what `host.claim` throws for `requestInput` (undeclared, claimed already).
 * @throws RangeError for a `concurrency` that is not a whole number >= 1.
 */
export function serve(host: PatternHost, requestInput: string, responseOutput: string, handler: ServiceHandler, init?: ServeInit): ServiceServer {
  return new ServiceServer(host, requestInput, responseOutput, handler, init);
}
