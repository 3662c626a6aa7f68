// Sends stamped payloads. `paced`: one message every periodMs (the receiver measures one-way
// latency). `pingpong`: waits for each echo (this node measures round trips).
import { writeFileSync } from "node:fs";
import { Node } from "@rivulet/node";
import { sleep, stamped, warmup } from "./stamp.mjs";

const plan = JSON.parse(process.env.BENCH_PLAN);
const ECHO_TIMEOUT_MS = 30_000;
const node = new Node();
await node.ready();
const rtts = {};
for (const { size, samples } of plan.sizes) {
  const warmups = Math.min(plan.warmup, samples);
  if (plan.mode === "paced") {
    for (let i = 0; i < samples + warmups; i++) {
      await node.sendOutput("ping", i < warmups ? warmup(size) : stamped(size));
      await sleep(size >= 4_194_304 ? plan.largePeriodMs : plan.periodMs);
    }
  } else {
    const list = (rtts[size] = []);
    for (let i = 0; i < samples + warmups; i++) {
      const start = process.hrtime.bigint();
      await node.sendOutput("ping", stamped(size));
      // A lost ping or echo (a network transport without flow control) fails the run, not hangs it.
      const event = await node.recv({ timeout: ECHO_TIMEOUT_MS });
      if (event?.type !== "INPUT") throw new Error(event ? `expected an echo, got ${event.type}` : `no echo within ${ECHO_TIMEOUT_MS} ms (size ${size}, round trip ${i})`);
      if (i >= warmups) list.push(Number(process.hrtime.bigint() - start) / 2);
    }
  }
}
if (plan.mode === "pingpong") writeFileSync(process.env.BENCH_OUT, JSON.stringify({ oneWayNs: rtts }));
