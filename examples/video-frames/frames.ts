/** A 1920x1080 RGB image. */
export const WIDTH = 1920;
export const HEIGHT = 1080;
export const IMAGE_BYTES = WIDTH * HEIGHT * 3;
/** What a frame carries: the image, then the checksum of the image (4 bytes, little-endian). */
export const FRAME_BYTES = IMAGE_BYTES + 4;

/** The first 32-bit word of image `n`: which frame a payload holds. */
export function firstWord(n: number): number {
  return Math.imul(n + 1, 2654435761) >>> 0;
}

/** Paints image `n` into the frame (a different picture every time) and writes its checksum after it. */
export function paint(frame: Uint8Array, n: number): void {
  const words = new Uint32Array(frame.buffer, frame.byteOffset, IMAGE_BYTES >>> 2);
  const seed = firstWord(n);
  for (let i = 0; i < words.length; i++) words[i] = (seed + Math.imul(i, 40503)) >>> 0;
  new DataView(frame.buffer, frame.byteOffset + IMAGE_BYTES, 4).setUint32(0, checksum(frame), true);
}

/** FNV-1a over the image's 32-bit words. */
export function checksum(frame: Uint8Array): number {
  const words = new Uint32Array(frame.buffer, frame.byteOffset, IMAGE_BYTES >>> 2);
  let hash = 2166136261;
  for (let i = 0; i < words.length; i++) hash = Math.imul(hash ^ words[i]!, 16777619);
  return hash >>> 0;
}

/** True when `frame` holds image `n`, intact: its first word and its checksum agree. */
export function intact(frame: Uint8Array, n: number): boolean {
  if (frame.byteLength !== FRAME_BYTES || frame.byteOffset % 4 !== 0) return false;
  const view = new DataView(frame.buffer, frame.byteOffset, FRAME_BYTES);
  return view.getUint32(0, true) === firstWord(n) && view.getUint32(IMAGE_BYTES, true) === checksum(frame);
}
