// One link of the chain of 3 nodes (CHAIN_ROLE source | forward | sink), the peer of the chain
// of 3 operators (chain-*-op.mjs): small messages (one number each) back to back, the source
// stamping each measured one with the monotonic clock in ns (0 marks a warm-up message).
import { writeFileSync } from "node:fs";
import { Node } from "@rivulet/node";

const node = new Node();
const role = process.env.CHAIN_ROLE;
if (role === "source") {
  const { warmup, count } = JSON.parse(process.env.BENCH_PLAN);
  await node.ready();
  for (let i = 0; i < warmup + count; i++) await node.sendOutput("data", i < warmup ? 0 : Number(process.hrtime.bigint()));
} else if (role === "forward") {
  for await (const event of node) if (event.type === "INPUT") await node.sendOutput("data", event.rows()[0]);
} else {
  let count = 0;
  let firstSentNs = 0;
  let lastReceivedNs = 0;
  for await (const event of node) {
    if (event.type !== "INPUT") continue;
    const stamp = event.rows()[0];
    if (stamp === 0) continue;
    if (count++ === 0) firstSentNs = stamp;
    lastReceivedNs = Number(process.hrtime.bigint());
  }
  writeFileSync(process.env.BENCH_OUT, JSON.stringify({ count, firstSentNs, lastReceivedNs }));
}
