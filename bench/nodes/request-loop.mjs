// The request/reply measuring loop shared by the Rivulet service client (service-client.mjs)
// and the raw floors (raw/raw-reqrep.mjs), so that both sides time exactly the same thing.
// `hot`: the next request leaves as soon as the reply to the one before arrived. `paced`: one
// request, its reply, then a sleep of periodMs (one request every ~periodMs, each waking a
// sleeping process on both ends). Round trips in ns, per payload size, warm-ups left out.
import { sleep } from "./stamp.mjs";

/** How long a request may wait for its reply before the run fails (a lost reply, not a hang). */
export const REPLY_TIMEOUT_MS = 30_000;

/**
 * Runs `plan` ({ mode: "hot" | "paced", periodMs, warmup, sizes: [{ size, samples }] }) through
 * `request(bytes)`, which resolves to the reply's bytes. Each reply must echo its request's
 * length and first byte (the request's index), or the run fails.
 * Resolves to { rttNs: { [size]: number[] } }.
 */
export async function measureRequests(request, plan) {
  const rttNs = {};
  for (const { size, samples } of plan.sizes) {
    const warmups = Math.min(plan.warmup, samples);
    const list = (rttNs[size] = []);
    for (let i = 0; i < samples + warmups; i++) {
      const payload = new Uint8Array(size);
      payload[0] = i & 0xff;
      const start = process.hrtime.bigint();
      const reply = await request(payload);
      const rtt = Number(process.hrtime.bigint() - start);
      checkEcho(payload, reply, `size ${size}, request ${i}`);
      if (i >= warmups) list.push(rtt);
      if (plan.mode === "paced") await sleep(plan.periodMs);
    }
  }
  return { rttNs };
}

/** Throws unless `reply` has the length and first byte of `payload`. */
export function checkEcho(payload, reply, what) {
  if (reply?.byteLength !== payload.byteLength || reply[0] !== payload[0]) {
    throw new Error(`${what}: the reply (${reply?.byteLength ?? "none"} bytes) is not the echo of the request (${payload.byteLength} bytes)`);
  }
}
