// The driver shared by the raw network clients (raw-zeromq.mjs, raw-nats.mjs, raw-mqtt.mjs):
// the same ping-pong and throughput loops as raw-unix.mjs, over a `link` that each client
// script opens with its own library. A link has three members:
// - send(bytes): sends one message the way a careful program would; returns undefined, or a
//   promise to wait for before the next send (the library's own way of bounding what is queued);
// - onMessage(handler): calls handler(bytes) for each message received, in order;
// - close(): flushes what was sent and disconnects.
// The sender's link sends pings (or data) and receives pongs; the receiver's the other way round.
// An empty message ends the run: it comes after the last data, in order, on every client.
import { writeFileSync } from "node:fs";
import { isWarmup, stampOf, stamped, throughputWarmup, warmup } from "../nodes/stamp.mjs";

const END = new Uint8Array(0);

/**
 * Runs one side. `open(role, plan)` resolves to a link once it is ready to receive (subscribed,
 * bound); the receiver then tells the parent process over IPC. Results go to `out` as
 * raw-unix.mjs writes them: `{ oneWayNs }` from a ping-pong sender, `{ sizes }` from a
 * throughput receiver.
 */
export async function runRawClient(open) {
  const [role, , planText, out] = process.argv.slice(2);
  const plan = JSON.parse(planText);
  const link = await open(role, plan);
  if (role === "receiver") await receive(link, plan, out);
  else await send(link, plan, out);
}

function receive(link, plan, out) {
  const sizes = {};
  const done = new Promise((resolve, reject) => {
    link.onMessage((message) => {
      const now = process.hrtime.bigint();
      if (message.byteLength === 0) {
        if (plan.kind === "throughput") writeFileSync(out, JSON.stringify({ sizes }));
        return void link.close().then(resolve, reject);
      }
      // One ping in flight: the echo never has to wait for the one before it.
      if (plan.kind === "pingpong") return void link.send(message);
      if (isWarmup(message)) return;
      const entry = (sizes[message.byteLength] ??= { count: 0, firstSentNs: Number(stampOf(message)), lastReceivedNs: 0 });
      entry.count++;
      entry.lastReceivedNs = Number(now);
    });
  });
  process.send?.("listening");
  return done;
}

async function send(link, plan, out) {
  let echo;
  link.onMessage(() => echo?.());
  const rtts = {};
  for (const { size, samples, count } of plan.sizes) {
    if (plan.kind === "pingpong") {
      const list = (rtts[size] = []);
      const warmups = Math.min(plan.warmup, samples); // as nodes/latency-sender.mjs
      for (let i = 0; i < samples + warmups; i++) {
        const start = process.hrtime.bigint();
        const answered = new Promise((resolve) => (echo = resolve));
        await link.send(stamped(size));
        await answered;
        if (i >= warmups) list.push(Number(process.hrtime.bigint() - start) / 2);
      }
    } else {
      const warmups = throughputWarmup(count);
      for (let i = 0; i < warmups + count; i++) {
        const wait = link.send(i < warmups ? warmup(size) : stamped(size));
        if (wait) await wait;
      }
    }
  }
  await link.send(END);
  if (plan.kind === "pingpong") writeFileSync(out, JSON.stringify({ oneWayNs: rtts }));
  await link.close();
}
