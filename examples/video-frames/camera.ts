import { setTimeout as sleep } from "node:timers/promises";
import { Node } from "@rivulet/node";
import { FRAME_BYTES, paint } from "./frames.js";

const FRAMES = Number(process.env.FRAMES ?? 90);
const PERIOD_MS = 1000 / 30;

const node = new Node();
await node.ready();
const start = performance.now();
for (let n = 0; n < FRAMES && !node.signal.aborted; n++) {
  // Painted straight into the shared-memory slot the consumers will read it from: no copy.
  const sample = await node.sendOutputRaw("image", FRAME_BYTES, { frame: n });
  paint(sample.data, n);
  await sample.send();
  const wait = start + (n + 1) * PERIOD_MS - performance.now();
  if (wait > 0) await sleep(wait);
}
const { sent, dropped } = node.stats().outputs.image!;
console.log(`sent ${sent} frames, ${dropped} dropped on the camera's side`);
