import { Node } from "@rivulet/node";

const ticks = Number(process.env.TICKS ?? 10);
const node = new Node();
let count = 0;
let last: number | undefined;
for await (const event of node) {
  if (event.type !== "INPUT" || event.id !== "tick") continue;
  count++;
  const now = event.metadata.timestamp;
  const gap = last === undefined ? "" : ` (${((now - last) / 1000).toFixed(1)} ms since the last)`;
  last = now;
  console.log(`tick ${count}${gap}`);
  await node.sendOutput("count", count);
  if (count === ticks) break; // leaving the loop ends the node; the printer's input closes
}
