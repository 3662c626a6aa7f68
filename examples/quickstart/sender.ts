import { Node } from "@rivulet/node";

const node = new Node();
for (let i = 0; i < 100; i++) {
  await node.sendOutput("message", [i]);
}
