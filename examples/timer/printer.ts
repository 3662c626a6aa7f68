import { Node } from "@rivulet/node";

const node = new Node();
let received = 0;
for await (const event of node) {
  if (event.type === "INPUT") {
    received++;
    console.log(`count = ${event.value.get(0)}`);
  } else if (event.type === "INPUT_CLOSED") {
    console.log(`ticker finished after ${received} ticks`);
  }
}
