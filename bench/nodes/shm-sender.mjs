// Sends stamped payloads on a shared-memory output, through sendOutput (one copy into a slot; the
// payload is filled before it is stamped, so its pages exist as a computed frame's would) or
// sendOutputRaw (written in place; the stamp goes in right before send(), the rest of the
// payload is left as it is). `paced`: one message every periodMs. `pingpong`: waits for the
// receiver's small ack after each message. The receiver measures one-way latency in both modes.
import { Node } from "@rivulet/node";
import { sleep, warmup } from "./stamp.mjs";

/** A payload whose pages exist (as data a program computed would), stamped last. */
function filledAndStamped(size) {
  const payload = new Uint8Array(Math.max(8, size)).fill(1);
  new DataView(payload.buffer, payload.byteOffset, 8).setBigUint64(0, process.hrtime.bigint(), true);
  return payload;
}

const plan = JSON.parse(process.env.BENCH_PLAN);
const node = new Node();
await node.ready();
for (const { size, samples } of plan.sizes) {
  const warmups = Math.min(plan.warmup, samples);
  for (let i = 0; i < samples + warmups; i++) {
    const measured = i >= warmups;
    if (plan.api === "sendOutputRaw") {
      const sample = await node.sendOutputRaw("ping", Math.max(8, size));
      new DataView(sample.data.buffer, sample.data.byteOffset, 8).setBigUint64(0, measured ? process.hrtime.bigint() : 0n, true);
      await sample.send();
    } else {
      await node.sendOutput("ping", measured ? filledAndStamped(size) : warmup(size));
    }
    if (plan.mode === "paced") await sleep(size >= 4_194_304 ? plan.largePeriodMs : plan.periodMs);
    else if ((await node.recv())?.type !== "INPUT") throw new Error("expected the receiver's ack");
  }
}
