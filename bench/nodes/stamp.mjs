// Monotonic timestamps shared across processes on Linux (CLOCK_MONOTONIC), written into the
// first 8 bytes of each payload.
export function stamped(size) {
  const payload = new Uint8Array(Math.max(8, size));
  new DataView(payload.buffer, payload.byteOffset, 8).setBigUint64(0, process.hrtime.bigint(), true);
  return payload;
}

export function stampOf(bytes) {
  return new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
