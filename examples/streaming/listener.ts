import { Node } from "@rivulet/node";

const node = new Node();
let heard = 0;
for await (const event of node) {
  if (event.type !== "INPUT") continue;
  heard++;
  // Three words are enough: interrupt.
  if (heard === 3) await node.sendOutput("interrupt", true);
}
console.log(`heard ${heard} words`);
