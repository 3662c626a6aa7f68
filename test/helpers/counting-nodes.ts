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

/**
 * Prints `over <kind> <what>` for each of its inputs' channels, `what` being the JavaScript
 * expression `describe` of `connection` (the channel's planned connection), then `got <n>` for
 * every number it gets.
 */
export function channelSink(describe: string): string {
  return `import { Node } from "@rivulet/node";
const { inputs } = JSON.parse(process.env.RIVULET_NODE_CONFIG);
console.log("over", inputs.map(({ channel: { kind, connection } }) => kind + " " + ${describe}).join());
const node = new Node();
for await (const event of node) if (event.type === "INPUT") console.log("got", event.value.toArray()[0]);
`;
}

/** timer -> source -> middle -> sink, every edge on the default transport that `head` sets; `inputs` are the middle's and the sink's input (YAML flow values). */
export function countingChain(head: string, inputs: { middle: string; sink: string }): string {
  return `${head}nodes:
  - id: source
    path: source.ts
    inputs:
      tick: dora/timer/millis/2
    outputs: [n]
  - id: middle
    path: middle.ts
    inputs:
      n: ${inputs.middle}
    outputs: [m]
  - id: sink
    path: sink.ts
    inputs:
      m: ${inputs.sink}
`;
}

/** The files of a countingChain run: `yml`, a package.json, a source of `count` numbers, TIMES_TEN and `sink`. */
export function countingFiles(yml: string, count: number, sink: string): Record<string, string> {
  return { "dataflow.yml": yml, "package.json": '{ "type": "module" }\n', "source.ts": countingSource(count), "middle.ts": TIMES_TEN, "sink.ts": sink };
}
