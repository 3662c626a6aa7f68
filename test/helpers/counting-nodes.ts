/** Node programs for runs that count: a source of 0, 1, 2, ... and a relay, as ES modules using the SDK. */

/** Sends 0, 1, 2, ... one per timer tick, `count` of them, then ends (its output `n` closes). */
export function countingSource(count: number): string {
  return `import { Node } from "@rivulet/node";
const node = new Node();
let n = 0;
for await (const event of node) {
  if (event.type !== "INPUT") continue;
  await node.sendOutput("n", [n++]);
  if (n === ${count}) break;
}
`;
}

/** Forwards every number it gets, times ten, on its output `m`. */
export const TIMES_TEN = `import { Node } from "@rivulet/node";
const node = new Node();
for await (const event of node) if (event.type === "INPUT") await node.sendOutput("m", [event.value.toArray()[0] * 10]);
`;
