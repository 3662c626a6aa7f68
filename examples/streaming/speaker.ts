import { setTimeout as sleep } from "node:timers/promises";
import { Node } from "@rivulet/node";

const node = new Node();
const tokens = node.stream("tokens");
const said: string[][] = [];

for await (const chunk of tokens) {
  if (chunk.kind === "flush") {
    console.log(`barge-in: stop talking (segment ${chunk.segmentId} flushed)`);
    continue;
  }
  if (chunk.kind === "end") {
    console.log("end of the answer");
    continue;
  }
  const [token] = chunk.event.rows() as string[];
  (said[chunk.segmentId ?? 0] ??= []).push(token!);
  await sleep(30); // saying it takes a while
  await node.sendOutput("said", token!);
}
const dropped = tokens.stats().flushed + node.stats().inputs.tokens!.flushed;
said.forEach((words, segment) => console.log(`segment ${segment}: said ${words.length} tokens: ${words.join(" ")}`));
console.log(`dropped ${dropped} queued tokens at the barge-in`);
