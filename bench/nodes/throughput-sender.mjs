// Sends `count` payloads of each size back to back, after the same warm-up as the raw floor.
import { Node } from "@rivulet/node";
import { stamped, throughputWarmup, warmup } from "./stamp.mjs";

const plan = JSON.parse(process.env.BENCH_PLAN);
const node = new Node();
await node.ready();
for (const { size, count } of plan.sizes) {
  const warmups = throughputWarmup(count);
  for (let i = 0; i < warmups + count; i++) await node.sendOutput("data", i < warmups ? warmup(size) : stamped(size));
}
