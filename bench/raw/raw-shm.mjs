// The raw shared-memory floor: two plain Node processes over the same addon as the shm
// transport. The sender writes a stamp into a slot of a segment it created (two slots, used in
// turn), and notifies over a Unix socket (16 bytes: slot, length); the receiver reads the stamp
// in place from its own mapping of the segment. `pingpong`: the receiver acks each message with
// one byte and the sender waits for it; `paced`: one message every periodMs.
// Usage: node raw-shm.mjs receiver|sender <socket> <plan JSON> <out file> <segment name>
import { writeFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { ShmSegment } from "@rivulet/transport-shm";

const [role, socketPath, planText, outFile, segmentName] = process.argv.slice(2);
const plan = JSON.parse(planText);
const NOTE_BYTES = 16;
const HOLDER_BYTES = 8;
const slotBytes = Math.ceil((Math.max(...plan.sizes.map((s) => s.size), 8) + HOLDER_BYTES) / 4096) * 4096;

if (role === "receiver") {
  const latencies = {};
  let segment;
  let pending = Buffer.alloc(0);
  const server = createServer((socket) => {
    socket.on("data", (chunk) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      let at = 0;
      for (; at + NOTE_BYTES <= pending.length; at += NOTE_BYTES) {
        const now = process.hrtime.bigint();
        segment ??= ShmSegment.open(segmentName);
        const slot = pending.readUInt32LE(at);
        const length = pending.readUInt32LE(at + 4);
        const stamp = new DataView(segment.buffer, slot * slotBytes + HOLDER_BYTES, 8).getBigUint64(0, true);
        if (stamp !== 0n) (latencies[length] ??= []).push(Number(now - stamp));
        if (plan.kind === "pingpong") socket.write(Buffer.of(1));
      }
      pending = pending.subarray(at);
    });
    socket.on("end", () => {
      writeFileSync(outFile, JSON.stringify({ oneWayNs: latencies }));
      socket.end();
      server.close();
    });
  });
  server.listen(socketPath, () => process.send?.("ready"));
} else {
  const segment = ShmSegment.create(segmentName, 2 * slotBytes);
  const bytes = segment.bytes;
  const socket = createConnection(socketPath);
  await new Promise((resolve) => socket.once("connect", resolve));
  let acked = () => {};
  socket.on("data", (chunk) => {
    for (let i = 0; i < chunk.length; i++) acked();
  });
  const note = Buffer.alloc(NOTE_BYTES);
  let n = 0;
  for (const { size, samples } of plan.sizes) {
    const warmups = Math.min(plan.warmup, samples);
    const length = Math.max(8, size);
    for (let i = 0; i < samples + warmups; i++) {
      const slot = n++ % 2;
      const view = new DataView(bytes.buffer, slot * slotBytes + HOLDER_BYTES, 8);
      const answered = plan.kind === "pingpong" ? new Promise((resolve) => (acked = resolve)) : undefined;
      view.setBigUint64(0, i >= warmups ? process.hrtime.bigint() : 0n, true);
      note.writeUInt32LE(slot, 0);
      note.writeUInt32LE(length, 4);
      socket.write(Buffer.from(note));
      if (answered) await answered;
      else await new Promise((resolve) => setTimeout(resolve, size >= 4_194_304 ? plan.largePeriodMs : plan.periodMs));
    }
  }
  socket.end();
  await new Promise((resolve) => socket.once("close", resolve));
  segment.unlink();
}
