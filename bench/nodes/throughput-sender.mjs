// Sends `count` payloads of each size back to back.
import { Node } from "@rivulet/node";
import { stamped } from "./stamp.mjs";

const plan = JSON.parse(process.env.BENCH_PLAN);
const node = new Node();
await node.ready();
for (const { size, count } of plan.sizes) {
  for (let i = 0; i < count; i++) await node.sendOutput("data", stamped(size));
}
