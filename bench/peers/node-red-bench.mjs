// Node-RED embedded: inject -> source function (sends N messages) -> 3 pass-through function
// nodes -> a counting sink. Prints {"messages", "ns"} for one payload size.
// Usage: node-red-bench.mjs <folder where node-red is installed> <size> <messages>
import { startNodeRed } from "./embedded-node-red.mjs";

const [installDir, sizeText, countText] = process.argv.slice(2);
const size = Number(sizeText);
const messages = Number(countText);
const fn = (id, func, next) => ({ id, type: "function", z: "tab", name: id, func, outputs: 1, noerr: 0, x: 100, y: 100, wires: next ? [[next]] : [] });
const flow = [
  { id: "tab", type: "tab", label: "bench" },
  { id: "inject", type: "inject", z: "tab", once: true, onceDelay: 0.5, repeat: "", topic: "", payload: "", payloadType: "date", x: 100, y: 50, wires: [["source"]] },
  fn("source", "const n = global.get('N'); const size = global.get('SIZE'); global.get('start')(); for (let i = 0; i < n; i++) node.send({ payload: Buffer.alloc(size) }); return null;", "f1"),
  fn("f1", "return msg;", "f2"),
  fn("f2", "return msg;", "f3"),
  fn("f3", "return msg;", "sink"),
  fn("sink", "context.n = (context.n || 0) + 1; if (context.n === global.get('N')) global.get('done')(); return null;"),
];
let started = 0n;
let done;
const finished = new Promise((resolve) => (done = () => resolve(process.hrtime.bigint() - started)));
const red = await startNodeRed(installDir, flow, { N: messages, SIZE: size, start: () => (started = process.hrtime.bigint()), done });
const ns = await finished;
console.log(JSON.stringify({ messages, ns: Number(ns) }));
await red.stop();
process.exit(0);
