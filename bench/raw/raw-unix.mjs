// The raw floor: two plain Node processes over a plain Unix socket, 4-byte length prefix,
// doing exactly what the Rivulet benchmark nodes do. Usage: raw-unix.mjs <receiver|sender> <socket> <plan JSON> [out file]
import { writeFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { sleep, stampOf, stamped } from "../nodes/stamp.mjs";

const [role, path, planText, out] = process.argv.slice(2);
const plan = JSON.parse(planText);

/** Calls onMessage for each length-prefixed message read from socket (chunks are joined once per message). */
function readMessages(socket, onMessage) {
  let chunks = [];
  let buffered = 0;
  let needed = -1;
  socket.on("data", (chunk) => {
    chunks.push(chunk);
    buffered += chunk.length;
    for (;;) {
      if (needed < 0) {
        if (buffered < 4) return;
        if (chunks[0].length < 4) chunks = [Buffer.concat(chunks)];
        needed = chunks[0].readUInt32LE(0);
        chunks[0] = chunks[0].subarray(4);
        buffered -= 4;
      }
      if (buffered < needed) return;
      const joined = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, buffered);
      const message = joined.subarray(0, needed);
      const rest = joined.subarray(needed);
      chunks = rest.length > 0 ? [rest] : [];
      buffered = rest.length;
      needed = -1;
      onMessage(message);
    }
  });
}

function send(socket, payload) {
  const head = Buffer.allocUnsafe(4);
  head.writeUInt32LE(payload.byteLength, 0);
  socket.cork();
  socket.write(head);
  const ok = socket.write(payload);
  socket.uncork();
  return ok ? undefined : new Promise((resolve) => socket.once("drain", resolve));
}

if (role === "receiver") {
  const server = createServer((socket) => {
    const latencies = {};
    const sizes = {};
    readMessages(socket, (message) => {
      const now = process.hrtime.bigint();
      if (plan.kind === "pingpong") return void send(socket, message);
      if (plan.kind === "paced") {
        if (message.byteLength === 0) return; // warmup marker
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
  const socket = sockets[0];
  const rtts = {};
  let echo;
  if (plan.kind === "pingpong") readMessages(socket, () => echo());
  for (const { size, samples, count } of plan.sizes) {
    const warmup = Math.min(plan.warmup ?? 0, samples ?? 0);
    if (plan.kind === "paced") {
      for (let i = 0; i < samples + warmup; i++) {
        await send(socket, i < warmup ? Buffer.alloc(0) : stamped(size));
        await sleep(size >= 4_194_304 ? plan.largePeriodMs : plan.periodMs);
      }
    } else if (plan.kind === "pingpong") {
      const list = (rtts[size] = []);
      for (let i = 0; i < samples + warmup; i++) {
        const start = process.hrtime.bigint();
        const answered = new Promise((resolve) => (echo = resolve));
        await send(socket, stamped(size));
        await answered;
        if (i >= warmup) list.push(Number(process.hrtime.bigint() - start) / 2);
      }
    } else {
      for (let i = 0; i < count; i++) {
        const payload = stamped(size);
        const waits = sockets.map((s) => send(s, payload)).filter(Boolean);
        if (waits.length > 0) await Promise.all(waits);
      }
    }
  }
  if (plan.kind === "pingpong") writeFileSync(out, JSON.stringify({ oneWayNs: rtts }));
  for (const s of sockets) s.end();
}
