import { setTimeout as sleep } from "node:timers/promises";
import { Node } from "@rivulet/node";
import { intact } from "./frames.js";

const WORK_MS = Number(process.env.WORK_MS ?? 0);

const node = new Node();
let received = 0;
let corrupt = 0;
let last = -1;
let outOfOrder = 0;
for await (const event of node) {
  if (event.type === "INPUT") {
    const n = event.metadata.parameters.frame as number;
    // event.data is a view into the shared-memory slot: checked in place.
    if (!intact(event.data, n)) corrupt++;
    if (n <= last) outOfOrder++;
    last = n;
    received++;
    event.release(); // done with the bytes: the slot goes back to the camera now
    if (WORK_MS > 0) await sleep(WORK_MS); // a slow consumer
  } else if (event.type === "INPUT_CLOSED") {
    const { dropped } = node.stats().inputs.image!;
    const peakMB = Math.round(process.resourceUsage().maxRSS / 1024); // kilobytes on Linux
    console.log(`received ${received} frames up to #${last}, ${corrupt} corrupt, ${outOfOrder} out of order, ${dropped} dropped by my queue, peak RSS ${peakMB} MB`);
  }
}
