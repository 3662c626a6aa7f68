// Messages over a plain Unix socket, each with a 4-byte little-endian length prefix: the
// framing of the raw floors (raw-unix.mjs, raw-reqrep.mjs).

/** Calls onMessage for each length-prefixed message read from socket. */
export function readMessages(socket, onMessage) {
  let partial; // a message spanning chunks: its buffer and how much of it is filled
  let filled = 0;
  let head = Buffer.alloc(0); // a length prefix split across chunks
  socket.on("data", (chunk) => {
    let at = 0;
    while (at < chunk.length) {
      if (partial) {
        const n = Math.min(partial.length - filled, chunk.length - at);
        chunk.copy(partial, filled, at, at + n);
        filled += n;
        at += n;
        if (filled === partial.length) {
          const message = partial;
          partial = undefined;
          onMessage(message);
        }
        continue;
      }
      if (head.length > 0 || chunk.length - at < 4) {
        const n = Math.min(4 - head.length, chunk.length - at);
        head = Buffer.concat([head, chunk.subarray(at, at + n)]);
        at += n;
        if (head.length < 4) return;
      }
      const length = head.length === 4 ? head.readUInt32LE(0) : chunk.readUInt32LE(at);
      if (head.length === 4) head = Buffer.alloc(0);
      else at += 4;
      if (chunk.length - at >= length) {
        onMessage(chunk.subarray(at, at + length));
        at += length;
      } else {
        partial = Buffer.allocUnsafe(length);
        filled = 0;
      }
    }
  });
}

/** One message with its length prefix, in a single buffer (one write). */
export function framed(payload) {
  const frame = Buffer.allocUnsafe(4 + payload.byteLength);
  frame.writeUInt32LE(payload.byteLength, 0);
  frame.set(payload, 4);
  return frame;
}
