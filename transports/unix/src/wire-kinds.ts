/** Wire-frame kinds on a Unix-transport data connection. */
export const WireKind = {
  /** Publisher to subscriber: one data frame. */
  DATA: 1,
  /**
   * Subscriber to publisher, first frame: JSON `{ subscriberId, secret, flowControl,
   * queueSize }` (see hello.ts). A connection that sends anything else is closed.
   */
  HELLO: 2,
  /** Publisher to subscriber: the subscription is in place; frames sent from now on arrive. */
  ACK: 3,
  /** Publisher to subscriber: the channel ended cleanly. */
  END: 4,
  /**
   * Subscriber to publisher, after the ACK, only from a subscriber whose HELLO granted
   * `credits`: body a little-endian uint32, the number of frames its program took out of its
   * queue since the last CREDIT; the publisher may send that many more.
   */
  CREDIT: 5,
  /**
   * Publisher to subscriber, shared-memory transport only (@rivulet/transport-shm, which runs
   * this protocol on its socket): one data frame left in a slot of the channel's segment. Body
   * 12 bytes, little-endian u32s: the slot's index, its generation, the frame's length.
   */
  SLOT: 6,
} as const;

/** Frames up to this size are packed with their wire head into one buffer (one write). */
export const PACK_LIMIT_BYTES = 16 * 1024;
