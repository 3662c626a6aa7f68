// Probes of issue 6 item 1 (drop_oldest): the publisher in this process, the subscriber (queue_size 10) in a
// child whose event loop is blocked during the burst ("idle") or that reads as fast as it can ("reading").
// usage: node bench/probes/drop-oldest-probe.mjs <repo root> <count> <size in bytes> <idle|reading>  (FRESH=1: a new payload per message)
import { fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [repo, countArg, sizeArg, mode] = process.argv.slice(2);
const { unix } = await import(pathToFileURL(join(repo, "transports/unix/dist/index.js")).href);

if (process.env.PROBE_CHILD) {
  const channel = JSON.parse(process.env.PROBE_CHILD);
  const transport = unix().create({ dataflowId: "p", nodeId: "b" });
  let received = 0;
  const seqs = [];
  const subscription = await transport.subscribe(channel, {
    subscriberId: "b",
    flowControl: false,
    queueSize: 10,
    onFrame: (frame) => {
      received++;
      seqs.push(new DataView(frame.buffer, frame.byteOffset, 8).getFloat64(0, true));
    },
  });
  void subscription.closed.then((error) => {
    process.send({ received, reason: error ? "lost" : "end", last10: seqs.slice(-10), first: seqs[0] });
    setTimeout(() => process.exit(0), 50);
  });
  process.on("message", () => {}); // keeps the IPC channel (and the child) alive
  process.send({ ready: true });
  // "Idle": the consumer's event loop is busy elsewhere until the producer is done.
  if (mode === "idle") Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 4000);
} else {
  const count = Number(countArg);
  const size = Number(sizeArg);
  const runDir = mkdtempSync(join(tmpdir(), "rvl-probe-"));
  const plugin = unix();
  const [channel] = plugin.plan({ dataflowId: "p", runDir, options: {}, channels: [{ channel: "a/out", producer: "a", output: "out", subscribers: ["b"] }] });
  const publisher = await plugin.create({ dataflowId: "p", nodeId: "a" }).publish(channel);
  const child = fork(new URL(import.meta.url).pathname, process.argv.slice(2), { env: { ...process.env, PROBE_CHILD: JSON.stringify(channel) } });
  const messages = [];
  child.on("message", (m) => messages.push(m));
  while (!messages.some((m) => m.ready)) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setTimeout(r, 100)); // the child is now blocked (idle mode)
  const payload = new Uint8Array(size - 8);
  const rss0 = process.memoryUsage().rss;
  let peakRss = rss0;
  let peakBuffered = 0;
  let peakAB = 0;
  const started = Date.now();
  for (let i = 0; i < count; i++) {
    const seq = new Uint8Array(8);
    new DataView(seq.buffer).setFloat64(0, i, true);
    const wait = publisher.send([seq, process.env.FRESH ? new Uint8Array(size - 8).fill(i & 255) : payload]);
    if (i % 64 === 0 || size > 65536) {
      const mu = process.memoryUsage(); peakRss = Math.max(peakRss, mu.rss); peakAB = Math.max(peakAB, mu.arrayBuffers);
      peakBuffered = Math.max(peakBuffered, publisher.bufferedBytes ?? 0);
    }
    if (wait) await wait;
  }
  const sendMs = Date.now() - started;
  const dropsAfterBurst = publisher.drops;
  await publisher.close();
  while (!messages.some((m) => m.reason)) await new Promise((r) => setTimeout(r, 5));
  const result = messages.find((m) => m.reason); const totalMs = Date.now() - started;
  console.log(JSON.stringify({ count, size, mode, received: result.received, publisherDrops: dropsAfterBurst, last10: result.last10, firstSeq: result.first, sendMs, totalMs, peakRssMB: Math.round(peakRss / 1e6), rssGrowthMB: Math.round((peakRss - rss0) / 1e6), peakBufferedMB: Math.round(peakBuffered / 1e6), peakArrayBuffersMB: Math.round(peakAB / 1e6) }));
  rmSync(runDir, { recursive: true, force: true });
  child.kill();
}
