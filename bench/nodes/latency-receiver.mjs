// `paced`: records one-way latency per payload size. `pingpong`: echoes every payload back.
import { writeFileSync } from "node:fs";
import { Node } from "@rivulet/node";
import { isWarmup, stampOf } from "./stamp.mjs";

const plan = JSON.parse(process.env.BENCH_PLAN);
const node = new Node();
const latencies = {};
for await (const event of node) {
  if (event.type !== "INPUT") continue;
  if (plan.mode === "pingpong") {
    await node.sendOutput("pong", event.data);
    continue;
  }
  const now = process.hrtime.bigint();
  if (isWarmup(event.data)) continue;
  (latencies[event.data.byteLength] ??= []).push(Number(now - stampOf(event.data)));
}
if (plan.mode === "paced") writeFileSync(process.env.BENCH_OUT, JSON.stringify({ oneWayNs: latencies, drops: node.stats().inputs.ping.dropped }));
