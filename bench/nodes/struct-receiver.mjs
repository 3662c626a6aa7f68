// Reads every record as the README shows (`const [row] = event.rows()`). `pingpong`: echoes the
// record back (decoded, then encoded again). `throughput`: counts records and
// writes the first send stamp and the last arrival.
import { writeFileSync } from "node:fs";
import { Node } from "@rivulet/node";

const plan = JSON.parse(process.env.BENCH_PLAN);
const node = new Node();
let count = 0;
let firstSentNs = 0;
let lastReceivedNs = 0;
for await (const event of node) {
  if (event.type !== "INPUT") continue;
  const [row] = event.rows();
  if (plan.mode === "pingpong") {
    await node.sendOutput("echo", row);
    continue;
  }
  if (row.n < 0) continue;
  if (row.n !== count) throw new Error(`record ${count} arrived as ${row.n}`);
  if (count === 0) firstSentNs = row.t;
  count++;
  lastReceivedNs = Number(process.hrtime.bigint());
}
if (plan.mode === "throughput") writeFileSync(process.env.BENCH_OUT, JSON.stringify({ count, firstSentNs, lastReceivedNs, drops: node.stats().inputs.record.dropped }));
