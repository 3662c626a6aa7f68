// Per size: how long from the first measured message's send stamp to the last one's arrival.
import { writeFileSync } from "node:fs";
import { Node } from "@rivulet/node";
import { isWarmup, stampOf } from "./stamp.mjs";

const node = new Node();
const sizes = {};
for await (const event of node) {
  if (event.type !== "INPUT" || isWarmup(event.data)) continue;
  const now = process.hrtime.bigint();
  const entry = (sizes[event.data.byteLength] ??= { count: 0, firstSentNs: Number(stampOf(event.data)), lastReceivedNs: 0 });
  entry.count++;
  entry.lastReceivedNs = Number(now);
}
writeFileSync(process.env.BENCH_OUT, JSON.stringify({ sizes, drops: node.stats().inputs.data.dropped }));
