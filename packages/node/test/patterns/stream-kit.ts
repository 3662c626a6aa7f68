import type { StreamChunk, StreamReader } from "../../src/patterns/stream-reader.js";
import { LoopbackNet } from "./loopback-net.js";

/**
 * The stream specs' net: node `llm` streams tokens on its output `text` to input `text` of node
 * `tts`. No queue-level flush here: what a flush drops is the stream reader's own doing.
 */
export function speechNet() {
  const net = new LoopbackNet();
  const llm = net.host("llm");
  const tts = net.host("tts");
  net.connect("llm/text", "tts/text");
  return { net, llm, tts };
}

/** A chunk as one line: kind, session, segment/seq, and the text of data chunks. */
export function line(chunk: StreamChunk): string {
  const text = chunk.kind === "data" ? String(chunk.event.rows()[0]) : "";
  return `${chunk.kind} ${chunk.sessionId} ${chunk.segmentId}/${chunk.seq} ${text}`.trimEnd();
}

/** Messages sent so far have arrived (the loopback delivers each a turn after its send). */
export const arrived = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Reads `reader` to its end into `into` as lines (kept when the iteration throws). */
export async function readAll(reader: StreamReader, into: string[] = []): Promise<string[]> {
  for await (const chunk of reader) into.push(line(chunk));
  return into;
}
