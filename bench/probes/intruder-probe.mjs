// Probe of issue 6 item 9: bytes an unauthenticated HELLO (no secret, wrong secret, unplanned id, flow control never read)
// receives while the producer sends 1 MB frames for 2 s.  usage: node bench/probes/intruder-probe.mjs <repo root>
import { mkdtempSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
const [repo] = process.argv.slice(2);
const { unix } = await import(pathToFileURL(join(repo, "transports/unix/dist/index.js")).href);
const runDir = mkdtempSync(join(tmpdir(), "rvl-probe-"));
const plugin = unix();
const [channel] = plugin.plan({ dataflowId: "p", runDir, options: {}, channels: [{ channel: "a/out", producer: "a", output: "out", subscribers: ["b"] }] });
const publisher = await plugin.create({ dataflowId: "p", nodeId: "a" }).publish(channel);
let legit = 0;
await plugin.create({ dataflowId: "p", nodeId: "b" }).subscribe(channel, { subscriberId: "b", flowControl: false, onFrame: (f) => (legit += f.byteLength) });
const hellos = {
  noSecret: { subscriberId: "b", flowControl: false },
  wrongSecret: { subscriberId: "b", flowControl: false, secret: "guess" },
  unplannedId: { subscriberId: "mallory", flowControl: false, secret: channel.connection.secret },
  flowControlNeverReads: { subscriberId: "b", flowControl: true },
};
const results = {};
for (const [name, hello] of Object.entries(hellos)) {
  const socket = createConnection(channel.connection.path);
  let bytes = 0;
  let closed = false;
  socket.on("data", (c) => (bytes += c.length));
  socket.on("close", () => (closed = true));
  socket.on("error", () => {});
  await new Promise((r) => socket.once("connect", r));
  const body = Buffer.from(JSON.stringify(hello));
  const head = Buffer.alloc(8); head.writeUInt32LE(body.length, 0); head[4] = 2;
  socket.write(Buffer.concat([head, body]));
  if (name === "flowControlNeverReads") socket.pause();
  const payload = new Uint8Array(1024 * 1024);
  const end = Date.now() + 2000;
  let sent = 0;
  let blockedMs = 0;
  while (Date.now() < end) {
    const t = Date.now();
    const wait = publisher.send([payload]);
    if (wait) await Promise.race([wait, new Promise((r) => setTimeout(r, 2500))]);
    blockedMs = Math.max(blockedMs, Date.now() - t);
    sent++;
    await new Promise((r) => setImmediate(r));
  }
  results[name] = { intruderBytes: bytes, intruderClosed: closed, producerSentMB: sent, longestSendWaitMs: blockedMs };
  socket.destroy();
}
console.log(JSON.stringify({ legitMB: Math.round(legit / 1e6), ...results }, null, 1));
process.exit(0);
