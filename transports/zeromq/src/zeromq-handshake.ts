import { setTimeout as sleep } from "node:timers/promises";
import { FrameDecodeError, TransportConnectError, abortErrorFrom } from "@rivulet/core";
import type { Dealer } from "zeromq";
import { isAgain } from "./receive-loop.js";
import { ZmqKind, kindOf, kindPart } from "./zeromq-kinds.js";

/** First wait between two HELLO attempts while no publisher is connected; doubled up to the cap, with jitter. */
const RETRY_FIRST_MS = 2;
const RETRY_CAP_MS = 100;
/** A HELLO without an answer for this long is said again (the publisher it reached may have died before answering). */
const HELLO_RESEND_MS = 1_000;

/**
 * A subscriber's side of the handshake on a connecting DEALER: says HELLO as soon as a
 * connection is up (retrying with capped, jittered backoff while none is), says it again when no
 * answer came within HELLO_RESEND_MS, and ends on the publisher's answer. Waits for a publisher
 * that starts later; the signal ends the wait.
 */
export class ZeromqHandshake {
  constructor(
    private readonly socket: Dealer,
    private readonly channel: string,
    private readonly endpoint: string,
    private readonly hello: Buffer,
    private readonly signal: AbortSignal | undefined,
  ) {}

  /**
   * Resolves on WELCOME.
   * @throws TransportConnectError `refused` (REFUSED), `closed` (END), `corrupt` (anything else).
   * @throws AbortError when the signal fires (the socket is closed to end a pending read).
   */
  async run(): Promise<void> {
    const { socket, signal } = this;
    const onAbort = (): void => socket.close();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      let attempt = 0;
      let saidAt = -Infinity;
      for (;;) {
        if (signal?.aborted) throw abortErrorFrom(signal);
        if (Date.now() - saidAt >= HELLO_RESEND_MS) {
          if (!(await this.#sayHello())) {
            const backoff = Math.min(RETRY_CAP_MS, RETRY_FIRST_MS * 2 ** attempt++);
            await sleep(backoff / 2 + Math.random() * (backoff / 2), undefined, { signal }).catch(() => {
              throw abortErrorFrom(signal!);
            });
            continue;
          }
          saidAt = Date.now();
        }
        let parts: Buffer[];
        try {
          parts = await socket.receive();
        } catch (error) {
          if (signal?.aborted) throw abortErrorFrom(signal);
          if (isAgain(error)) continue;
          throw this.#error("unreachable", `the socket failed: ${(error as Error).message}`, error);
        }
        const kind = parts.length === 1 ? kindOf(parts[0]) : undefined;
        if (kind === ZmqKind.WELCOME) return;
        if (kind === ZmqKind.REFUSED) throw this.#error("refused", "the publisher refused the subscriber (wrong secret, or a subscriber the plan does not list)");
        if (kind === ZmqKind.END) throw this.#error("closed", "the channel ended before accepting the subscription");
        throw this.#error("corrupt", "the publisher answered with a message that is not the protocol", new FrameDecodeError(`unexpected ZeroMQ message of ${parts.length} parts (kind ${kind}) before WELCOME`));
      }
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /** True when the HELLO was queued on a connection; false while none is up. */
  async #sayHello(): Promise<boolean> {
    try {
      await this.socket.send([kindPart(ZmqKind.HELLO), this.hello]);
      return true;
    } catch (error) {
      if (this.signal?.aborted) throw abortErrorFrom(this.signal);
      if (isAgain(error)) return false;
      throw this.#error("unreachable", `cannot send HELLO: ${(error as Error).message}`, error);
    }
  }

  #error(reason: TransportConnectError["reason"], what: string, cause?: unknown): TransportConnectError {
    return new TransportConnectError(`cannot subscribe to channel '${this.channel}' at ${this.endpoint}: ${what}`, this.channel, reason, { cause });
  }
}
