import { connect } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { abortErrorFrom } from "@rivulet/core";
import { waitFor } from "@rivulet/core/internal";
import { BROKER_HOST } from "./free-port.js";
import { listensOnLoopback } from "./port-owner.js";

/** Pause between two refused connection attempts. */
export const ACCEPT_POLL_INTERVAL_MS = 20;
/** Longest a single connection attempt may take (a listener that never answers SYN). */
const CONNECT_ATTEMPT_TIMEOUT_MS = 1_000;

/** Per-call options of `waitUntilAccepting`. */
export interface WaitUntilAcceptingOptions {
  /** Gives up with `timeout` after this many milliseconds. */
  timeoutMs: number;
  /** The process that should listen: a port accepting for another process does not count. */
  pid: number | undefined;
  /** Settles when that process has exited: the wait ends with `exited`. */
  exited: Promise<unknown>;
  /** Rejects the wait with an AbortError when it fires. */
  signal?: AbortSignal;
}

/**
 * Polls 127.0.0.1:`port` with TCP connections (closed at once) until one is accepted by a socket
 * of process `pid`, the process exits, or the time limit passes, whichever comes first.
 * @throws AbortError when `signal` fires.
 */
export async function waitUntilAccepting(port: number, options: WaitUntilAcceptingOptions): Promise<"accepting" | "exited" | "timeout"> {
  const { timeoutMs, signal } = options;
  const deadline = performance.now() + timeoutMs;
  let exited = false;
  void options.exited.then(() => (exited = true));
  for (;;) {
    if (signal?.aborted) throw abortErrorFrom(signal);
    if (exited) return "exited";
    const left = deadline - performance.now();
    if (left <= 0) return "timeout";
    if ((await accepts(port, Math.min(left, CONNECT_ATTEMPT_TIMEOUT_MS), signal)) && (options.pid === undefined || (await listensOnLoopback(options.pid, port)) !== false)) return "accepting";
    // Waits the poll interval, or less when the process exits meanwhile.
    await Promise.race([delay(ACCEPT_POLL_INTERVAL_MS, undefined, { ref: false }), options.exited]);
  }
}

/** True when a TCP connection to 127.0.0.1:`port` is accepted within `timeoutMs`. */
function accepts(port: number, timeoutMs: number, signal: AbortSignal | undefined): Promise<boolean> {
  const socket = connect({ host: BROKER_HOST, port });
  return waitFor<boolean>(
    (resolve) => {
      socket.once("connect", () => resolve(true));
      // Refused or reset: nothing listens yet; the caller polls again.
      socket.once("error", () => resolve(false));
      return () => socket.destroy();
    },
    { timeout: { ms: timeoutMs, value: false }, signal },
  );
}
