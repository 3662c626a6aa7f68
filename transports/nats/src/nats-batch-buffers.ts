/** Most buffers waiting for a flush, and most kept free: 2 MB each at 64 KB, past the 1 MB a publisher holds between flushes. */
const MOST_BUFFERS = 32;

/**
 * Full-size BATCH buffers used again once the client is done with them, so that a steady burst
 * does not allocate (and make the garbage collector reclaim) a fresh 64 KB buffer per message:
 * measured, that churn alone cost the sending process a quarter of its time at 4 KB frames.
 *
 * When is the client done with a buffer it was given to publish? nats.js keeps it in its outbound
 * list until it writes, and copies the list into one new buffer then (the protocol line and the
 * CRLF always go with the payload). A completed flush (PING/PONG) proves that everything
 * published before it was written, so the buffers published before a flush started are free
 * once it resolves. A flush that fails (the connection broke) frees nothing: the client may still
 * hold them to send again after reconnecting, and they are left to the garbage collector.
 */
export class BatchBuffers {
  #published: Buffer[] = [];
  readonly #free: Buffer[] = [];

  /** @param size the byte length of every pooled buffer (the batch limit). */
  constructor(readonly size: number) {}

  /** A buffer of `size` bytes: a free one, or a new one. */
  take(): Buffer {
    return this.#free.pop() ?? Buffer.allocUnsafe(this.size);
  }

  /** Records that `buffer` (of `size` bytes) was given to the client. Past MOST_BUFFERS waiting, it is simply forgotten. */
  published(buffer: Buffer): void {
    if (buffer.byteLength === this.size && this.#published.length < MOST_BUFFERS) this.#published.push(buffer);
  }

  /**
   * Call when a flush starts; call what it returns with the flush's outcome. On success the
   * buffers published before the start are free again.
   */
  flushStarted(): (flushed: boolean) => void {
    const before = this.#published;
    this.#published = [];
    return (flushed) => {
      if (!flushed) return;
      for (const buffer of before) if (this.#free.length < MOST_BUFFERS) this.#free.push(buffer);
    };
  }
}
