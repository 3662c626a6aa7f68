/**
 * The bytes of an encoded payload as a receiver gets them: the chunks one after the other in
 * one buffer, starting `offset` bytes into it (so that a test can misalign them).
 */
export function concat(chunks: readonly Uint8Array[], offset = 0): Uint8Array {
  const out = new Uint8Array(offset + chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = offset;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out.subarray(offset);
}
