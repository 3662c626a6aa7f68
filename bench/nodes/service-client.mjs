// The client of the patterns benchmark: `node.request` on output `request`, replies on input
// `reply` (the echo of service-server.mjs). BENCH_PLAN.mode:
// - `hot` / `paced`: round trips per payload size (nodes/request-loop.mjs, as the raw floor);
// - `concurrency`: `requests` requests at once (Promise.all), a warm-up round then `rounds`
//   rounds, each reply checked against its request; the heap (after a forced GC) before the
//   first measured round and after the last, and the time of each round.
// Writes its figures as JSON to BENCH_OUT. A missing or wrong reply fails the node (and the run).
import { writeFileSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { Node } from "@rivulet/node";
import { REPLY_TIMEOUT_MS, checkEcho, measureRequests } from "./request-loop.mjs";

const plan = JSON.parse(process.env.BENCH_PLAN);
const node = new Node();
await node.ready();
const request = async (payload) => (await node.request("request", "reply", payload, { timeout: REPLY_TIMEOUT_MS })).data;

/** One round: `requests` requests in flight at once; resolves to its duration in ms. */
async function concurrentRound(requests, size) {
  const started = performance.now();
  await Promise.all(
    Array.from({ length: requests }, async (_, i) => {
      const payload = new Uint8Array(size);
      new DataView(payload.buffer).setUint32(0, i, true);
      const reply = await request(payload);
      checkEcho(payload, reply, `concurrent request ${i}`);
      if (new DataView(reply.buffer, reply.byteOffset, 4).getUint32(0, true) !== i) throw new Error(`concurrent request ${i} got another request's reply`);
    }),
  );
  return performance.now() - started;
}

/** heapUsed in MB after a full collection. */
function heapAfterGcMB() {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

let result;
if (plan.mode === "concurrency") {
  setFlagsFromString("--expose-gc");
  globalThis.gc ??= runInNewContext("gc");
  const { requests, rounds, size } = plan;
  await concurrentRound(requests, size); // warm-up: the JIT and every lazily built structure
  const heapBeforeMB = heapAfterGcMB();
  const msPerRound = [];
  for (let round = 0; round < rounds; round++) msPerRound.push(await concurrentRound(requests, size));
  const heapAfterMB = heapAfterGcMB();
  result = { requests, rounds, size, msPerRound, heapBeforeMB, heapAfterMB };
} else {
  result = await measureRequests(request, plan);
}
writeFileSync(process.env.BENCH_OUT, JSON.stringify(result));
