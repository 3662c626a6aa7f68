/**
 * The kinds of ZeroMQ message on a channel. Every message is multipart: its first part is one
 * byte, the kind; HELLO, RECEIVED and CREDIT have a second part, the body, and DATA one part per frame. The publisher's
 * ROUTER prepends and strips the subscriber's routing id, as ZeroMQ does; nothing else is
 * framed by us (ZeroMQ keeps message boundaries). Publisher-to-subscriber kinds are below 16,
 * subscriber-to-publisher kinds from 16, so a message in the wrong direction is recognised.
 */
export const ZmqKind = {
  /** Publisher: the subscription is in place; frames sent from now on arrive. */
  WELCOME: 1,
  /** Publisher: data frames, one per part after the kind (the frames a tick sent after its first travel together). */
  DATA: 2,
  /** Publisher: the channel ended cleanly; nothing follows. */
  END: 3,
  /** Publisher: the HELLO was refused (wrong secret, or a subscriber the plan does not list). */
  REFUSED: 4,
  /** Publisher: it does not know this subscriber (any more): the subscription is lost. */
  GONE: 5,
  /** Publisher: a probe that the subscriber is still connected; ignored. */
  PROBE: 6,
  /** Subscriber, first message: JSON `{ subscriberId, secret, flowControl, queueSize, credits? }`. */
  HELLO: 16,
  /** Subscriber: body a little-endian u32, DATA messages received since the last RECEIVED. */
  RECEIVED: 17,
  /** Subscriber whose HELLO granted credits: body a little-endian u32, frames its program took. */
  CREDIT: 18,
  /** Subscriber: it leaves (its close, or its answer to END); the publisher forgets it. */
  BYE: 19,
  /** Subscriber: a probe that the publisher is still connected; answered with GONE by a publisher that does not know it. */
  PING: 20,
} as const;

/** One byte holding a kind: the first part of every message. */
export function kindPart(kind: number): Buffer {
  return KIND_PARTS[kind] ?? Buffer.of(kind);
}

const KIND_PARTS: Buffer[] = [];
for (const kind of Object.values(ZmqKind)) KIND_PARTS[kind] = Buffer.of(kind);

/** A count as the 4-byte body of RECEIVED and CREDIT. */
export function countPart(count: number): Buffer {
  const body = Buffer.allocUnsafe(4);
  body.writeUInt32LE(count, 0);
  return body;
}

/** The count in a RECEIVED or CREDIT body, or `undefined` when the body is not 4 bytes. */
export function readCount(body: Buffer | undefined): number | undefined {
  return body?.byteLength === 4 ? body.readUInt32LE(0) : undefined;
}

/** The kind of a message whose first part is one byte, or `undefined` for anything else. */
export function kindOf(part: Buffer | undefined): number | undefined {
  return part?.byteLength === 1 ? part[0] : undefined;
}
