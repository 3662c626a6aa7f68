import { Node } from "@rivulet/node";

const node = new Node();
const totals: number[] = [];
for await (const event of node) {
  if (event.type === "INPUT") {
    const [total] = event.rows() as number[];
    totals.push(total!);
    console.log(`total = ${total}`);
  } else if (event.type === "INPUT_CLOSED") {
    console.log(`math finished after ${totals.length} totals`);
  }
}
