// Sends one-row structs shaped like an IoT record, `{ id, t, ok, n, tag }` (5 mixed fields).
// `pingpong`: waits for each echo and records round trips / 2. `throughput`: sends back to back;
// `t` carries the send stamp (CLOCK_MONOTONIC ns, shared across processes on Linux) and `n` the
// message index, -1 for a warm-up message.
import { writeFileSync } from "node:fs";
import { Node } from "@rivulet/node";

const plan = JSON.parse(process.env.BENCH_PLAN);
const node = new Node();
await node.ready();
const record = (n) => ({ id: "dev-1", t: Number(process.hrtime.bigint()), ok: true, n, tag: "a" });
if (plan.mode === "pingpong") {
  const oneWayNs = [];
  for (let i = 0; i < plan.warmup + plan.samples; i++) {
    const start = process.hrtime.bigint();
    await node.sendOutput("record", record(i));
    const event = await node.recv();
    if (event?.type !== "INPUT") throw new Error(`expected an echo, got ${event?.type}`);
    const [echo] = event.rows();
    if (echo.n !== i) throw new Error(`echo ${i} came back as ${JSON.stringify(echo)}`);
    if (i >= plan.warmup) oneWayNs.push(Number(process.hrtime.bigint() - start) / 2);
  }
  writeFileSync(process.env.BENCH_OUT, JSON.stringify({ oneWayNs }));
} else {
  for (let i = 0; i < plan.warmup; i++) await node.sendOutput("record", record(-1));
  for (let i = 0; i < plan.count; i++) await node.sendOutput("record", record(i));
}
