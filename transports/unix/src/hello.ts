import { createHash, timingSafeEqual } from "node:crypto";
import { DEFAULT_QUEUE_SIZE } from "@rivulet/core";

/** The first frame a subscriber sends, as JSON. */
export interface Hello {
  subscriberId: string;
  /** The channel's secret from the plan. */
  secret: string;
  flowControl: boolean;
  /** The input's queue_size; how many frames the publisher keeps for a lagging subscriber. */
  queueSize: number;
  /**
   * Credit-based flow control (with `flowControl`): the frames the publisher may send before
   * it waits for a CREDIT frame; the subscriber grants its `queueSize`. Absent: the publisher
   * paces the subscriber by its socket's watermark only.
   */
  credits?: number;
}

/** The largest queue_size a HELLO may ask for (a bound on what one subscriber can pin). */
const MAX_HELLO_QUEUE_SIZE = 1_000_000;

const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Checks a HELLO body: well-formed JSON with the right field types, the channel's secret
 * (compared in constant time), and a subscriber id the plan lists. Returns the HELLO, or
 * `undefined` for anything else: the caller closes the connection without saying why, so an
 * intruder learns nothing.
 */
export function checkHello(body: Uint8Array, secret: string, planned: ReadonlySet<string>): Hello | undefined {
  let hello: Partial<Hello>;
  try {
    hello = JSON.parse(decoder.decode(body)) as Partial<Hello>;
  } catch {
    // Not UTF-8 JSON: not a subscriber of ours.
    return undefined;
  }
  if (typeof hello !== "object" || hello === null) return undefined;
  const { subscriberId, flowControl } = hello;
  const queueSize = hello.queueSize ?? DEFAULT_QUEUE_SIZE;
  if (typeof hello.secret !== "string" || !sameSecret(hello.secret, secret)) return undefined;
  if (typeof subscriberId !== "string" || !planned.has(subscriberId)) return undefined;
  if (typeof flowControl !== "boolean") return undefined;
  if (!Number.isInteger(queueSize) || queueSize < 1 || queueSize > MAX_HELLO_QUEUE_SIZE) return undefined;
  const { credits } = hello;
  if (credits !== undefined && (!flowControl || !Number.isInteger(credits) || credits < 1 || credits > MAX_HELLO_QUEUE_SIZE)) return undefined;
  return { subscriberId, secret: hello.secret, flowControl, queueSize, ...(credits === undefined ? {} : { credits }) };
}

/** Constant-time comparison that does not leak the length either (both sides are hashed). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string): Buffer => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
