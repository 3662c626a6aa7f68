import type { Dealer, Router } from "zeromq";

/**
 * How long one receive waits before the loop looks again, in milliseconds: the longest an idle
 * channel delays its process's exit. Set as the sockets' `receiveTimeout`.
 */
export const ZEROMQ_IDLE_RECEIVE_MS = 100;
/**
 * How long an idle loop pauses between two receives (on an unref'd timer): the moment its
 * process may exit. Every loop of a process times out on the same multiples of
 * ZEROMQ_IDLE_RECEIVE_MS, so their pauses overlap; this covers the few milliseconds by which
 * their timers may still differ. A message that comes during a pause waits for its end.
 */
export const ZEROMQ_IDLE_PAUSE_MS = 5;

/** What a ReceiveLoop does with what it reads. */
export interface ReceiveLoopHandlers {
  /** One message, its parts (a ROUTER's first part is the sender's routing id). Must not throw. */
  onMessage(parts: Buffer[]): void;
  /** True while the loop must keep the process alive (data in flight, a close in progress). */
  keepAlive(): boolean;
  /** True while the loop must not read (a paused subscription); `start()` again to go on. */
  paused?(): boolean;
  /** A receive waited ZEROMQ_IDLE_RECEIVE_MS and nothing came. */
  onIdle?(): void;
  /** The socket failed for another reason than a timeout or its close; the loop has stopped. */
  onError(error: unknown): void;
}

/**
 * Reads a socket's messages one at a time, for as long as it is open. zeromq.js keeps the event
 * loop alive while a receive is pending and cannot cancel one; so that an idle channel does not
 * keep its process alive (as an unref'd Unix socket does not), a receive waits at most
 * ZEROMQ_IDLE_RECEIVE_MS (the socket's `receiveTimeout`), and between two idle receives the loop
 * pauses on an unref'd timer unless `keepAlive()`: a process with nothing else to do then
 * exits, and Node's 'beforeExit' (where the SDK closes its node) comes first. A process has a
 * loop per socket (a publisher's ROUTER, a subscriber's DEALER): it can exit only while all of
 * them pause at once, so every receive ends on a multiple of ZEROMQ_IDLE_RECEIVE_MS of the
 * clock (the timeout is set before each receive) rather than 100 ms after its own start; with
 * pauses at random phases a process with two idle sockets took up to a minute to exit.
 */
export class ReceiveLoop {
  #running = false;
  #stopped = false;
  /** The socket's `receiveTimeout` as last set: set again only when it changes (a burst reads many messages per millisecond). */
  #timeout = 0;

  constructor(
    private readonly socket: Dealer | Router,
    private readonly handlers: ReceiveLoopHandlers,
  ) {}

  /** Starts reading, or goes on after a pause; a no-op while reading or after `stop()`. */
  start(): void {
    if (this.#running || this.#stopped) return;
    this.#running = true;
    void this.#run();
  }

  /** Reads no more (a receive still pending ends with the socket's close). */
  stop(): void {
    this.#stopped = true;
  }

  async #run(): Promise<void> {
    const { socket, handlers } = this;
    while (!this.#stopped && !socket.closed && !handlers.paused?.()) {
      let parts: Buffer[];
      try {
        // Ends on the next multiple of ZEROMQ_IDLE_RECEIVE_MS, as every other loop's idle receive.
        const timeout = ZEROMQ_IDLE_RECEIVE_MS - (Date.now() % ZEROMQ_IDLE_RECEIVE_MS);
        if (timeout !== this.#timeout) socket.receiveTimeout = this.#timeout = timeout;
        parts = await socket.receive();
      } catch (error) {
        if (this.#stopped || socket.closed) break;
        if ((error as { code?: string }).code !== "EAGAIN") {
          this.#stopped = true;
          handlers.onError(error);
          break;
        }
        handlers.onIdle?.();
        if (!handlers.keepAlive()) await new Promise((resolve) => setTimeout(resolve, ZEROMQ_IDLE_PAUSE_MS).unref());
        continue;
      }
      if (this.#stopped) break;
      handlers.onMessage(parts);
    }
    this.#running = false;
  }
}

/** True for zeromq.js's error of a send that could not be queued at once (no connected peer). */
export function isAgain(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === "EAGAIN";
}
