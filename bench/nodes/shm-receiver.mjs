// Records one-way latency per payload size, reading the stamp in place, then gives the slot back
// (event.release()); in `pingpong` mode, acks each message with 8 bytes.
import { writeFileSync } from "node:fs";
import { Node } from "@rivulet/node";
import { isWarmup, stampOf } from "./stamp.mjs";

const plan = JSON.parse(process.env.BENCH_PLAN);
const ack = new Uint8Array(8);
const node = new Node();
const latencies = {};
for await (const event of node) {
  if (event.type !== "INPUT") continue;
  const now = process.hrtime.bigint();
  const data = event.data;
  if (!isWarmup(data)) (latencies[data.byteLength] ??= []).push(Number(now - stampOf(data)));
  event.release();
  if (plan.mode === "pingpong") await node.sendOutput("pong", ack);
}
writeFileSync(process.env.BENCH_OUT, JSON.stringify({ oneWayNs: latencies, drops: node.stats().inputs.ping.dropped }));
