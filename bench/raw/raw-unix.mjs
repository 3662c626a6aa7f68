// The raw floor: plain Node processes over a plain Unix socket with a 4-byte length prefix,
// written as a careful hand-written program would be, so that "within 1.5x of the raw floor"
// measures what Rivulet adds and not a naive baseline:
// - small messages are encoded once into a shared batch buffer and the same bytes are written
//   to every receiver; a batch leaves when it is full or at the end of the event-loop turn,
//   so a burst costs one write per turn per receiver, not one per message;
// - large messages are written as header + payload without a copy (one writev);
// - the receiver parses in place and copies a message only when it spans chunks (into a
//   buffer allocated once at its final size).
// Usage: raw-unix.mjs <receiver|sender> <socket[,socket...]> <plan JSON> [out file]
import { writeFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { isWarmup, sleep, stampOf, stamped, throughputWarmup, warmup } from "../nodes/stamp.mjs";
import { readMessages } from "./length-prefix.mjs";

const [role, path, planText, out] = process.argv.slice(2);
const plan = JSON.parse(planText);
/** Messages up to this size are copied into the batch; larger ones go out as they are. */
const BATCH_LIMIT = 16 * 1024;
const BATCH_BYTES = 256 * 1024;

/** Writes length-prefixed messages to one or more sockets, batched per event-loop turn. */
class BatchWriter {
  #sockets;
  #batch = Buffer.allocUnsafe(BATCH_BYTES);
  #used = 0;
  #scheduled = false;

  constructor(sockets) {
    this.#sockets = sockets;
  }

  /** Queues one message; returns a promise when a receiver is behind (wait before the next). */
  send(payload) {
    const length = payload.byteLength;
    if (length > BATCH_LIMIT) {
      this.flush();
      const head = Buffer.allocUnsafe(4);
      head.writeUInt32LE(length, 0);
      for (const socket of this.#sockets) {
        socket.cork();
        socket.write(head);
        socket.write(payload);
        socket.uncork();
      }
      return this.#backpressure();
    }
    if (this.#used + 4 + length > BATCH_BYTES) this.flush();
    this.#batch.writeUInt32LE(length, this.#used);
    this.#batch.set(payload, this.#used + 4);
    this.#used += 4 + length;
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.flush());
    }
    return this.#backpressure();
  }

  /** Writes the batch (the same bytes to every socket). */
  flush() {
    this.#scheduled = false;
    if (this.#used === 0) return;
    const bytes = this.#batch.subarray(0, this.#used);
    this.#batch = Buffer.allocUnsafe(BATCH_BYTES);
    this.#used = 0;
    for (const socket of this.#sockets) socket.write(bytes);
  }

  /** A promise when a receiver is behind (its socket buffer is over the high-water mark). */
  #backpressure() {
    const behind = this.#sockets.filter((socket) => socket.writableNeedDrain);
    if (behind.length === 0) return undefined;
    return Promise.all(behind.map((socket) => new Promise((resolve) => socket.once("drain", resolve))));
  }
}

if (role === "receiver") {
  const server = createServer((socket) => {
    const latencies = {};
    const sizes = {};
    const echo = plan.kind === "pingpong" ? new BatchWriter([socket]) : undefined;
    readMessages(socket, (message) => {
      const now = process.hrtime.bigint();
      if (echo) {
        echo.send(message);
        return void echo.flush(); // an echo leaves at once, as Rivulet's first frame of a turn does
      }
      if (isWarmup(message)) return;
      if (plan.kind === "paced") {
        (latencies[message.byteLength] ??= []).push(Number(now - stampOf(message)));
        return;
      }
      const entry = (sizes[message.byteLength] ??= { count: 0, firstSentNs: Number(stampOf(message)), lastReceivedNs: 0 });
      entry.count++;
      entry.lastReceivedNs = Number(now);
    });
    socket.on("end", () => {
      if (plan.kind === "paced") writeFileSync(out, JSON.stringify({ oneWayNs: latencies }));
      if (plan.kind === "throughput") writeFileSync(out, JSON.stringify({ sizes }));
      socket.end();
      server.close();
    });
  });
  server.listen(path, () => process.send?.("listening"));
} else {
  // Several comma-separated socket paths: fan out every message to each receiver.
  const sockets = await Promise.all(
    path.split(",").map((p) => new Promise((resolve) => { const s = createConnection(p, () => resolve(s)); })),
  );
  const writer = new BatchWriter(sockets);
  const rtts = {};
  let echo;
  if (plan.kind === "pingpong") readMessages(sockets[0], () => echo());
  for (const { size, samples, count } of plan.sizes) {
    if (plan.kind === "paced") {
      const warmups = Math.min(plan.warmup, samples);
      for (let i = 0; i < samples + warmups; i++) {
        await writer.send(i < warmups ? warmup(size) : stamped(size));
        writer.flush(); // a lone message leaves at once
        await sleep(size >= 4_194_304 ? plan.largePeriodMs : plan.periodMs);
      }
    } else if (plan.kind === "pingpong") {
      const warmups = Math.min(plan.warmup, samples);
      const list = (rtts[size] = []);
      for (let i = 0; i < samples + warmups; i++) {
        const start = process.hrtime.bigint();
        const answered = new Promise((resolve) => (echo = resolve));
        await writer.send(stamped(size));
        writer.flush();
        await answered;
        if (i >= warmups) list.push(Number(process.hrtime.bigint() - start) / 2);
      }
    } else {
      const warmups = throughputWarmup(count);
      for (let i = 0; i < warmups + count; i++) {
        const wait = writer.send(i < warmups ? warmup(size) : stamped(size));
        if (wait) await wait;
      }
    }
  }
  writer.flush();
  if (plan.kind === "pingpong") writeFileSync(out, JSON.stringify({ oneWayNs: rtts }));
  for (const s of sockets) s.end();
}
