// Monotonic timestamps shared across processes on Linux (CLOCK_MONOTONIC), written into the
// first 8 bytes of each payload. A stamp of 0 marks a warm-up message: the same size and the
// same path as a measured one, ignored by the receiver, on the Rivulet side and the raw side alike.
export function stamped(size) {
  const payload = new Uint8Array(Math.max(8, size));
  new DataView(payload.buffer, payload.byteOffset, 8).setBigUint64(0, process.hrtime.bigint(), true);
  return payload;
}

/** A warm-up payload: `size` bytes with a zero stamp. */
export function warmup(size) {
  return new Uint8Array(Math.max(8, size));
}

export function stampOf(bytes) {
  return new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
}

export const isWarmup = (bytes) => stampOf(bytes) === 0n;

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Warm-up messages before each throughput size, the same number on the Rivulet and raw sides. */
export const throughputWarmup = (count) => Math.min(1000, Math.ceil(count / 10));
