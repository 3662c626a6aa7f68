import { describe, expect, it } from "vitest";
import type { InputClaim } from "../../src/patterns/pattern-host.js";
import { type StreamChunk, StreamReader, stream } from "../../src/patterns/stream-reader.js";
import { openStream } from "../../src/patterns/stream-writer.js";
import { arrived, line, readAll, speechNet } from "./stream-kit.js";

describe("stream flush (barge-in)", () => {
  it("drops the chunks queued before a flush, yields the flush marker, and continues in the next segment", async () => {
    const { net, llm, tts } = speechNet();
    const reader = stream(tts, "text");
    const writer = openStream(llm, "text", { sessionId: "s1" });
    for (const token of ["The", " answer", " is"]) await writer.write(token);
    await writer.flush();
    expect(writer.segmentId).toBe(1);
    await writer.write("Sorry?");
    await writer.end();
    net.finish("llm");
    await arrived();

    const chunks: StreamChunk[] = [];
    for await (const chunk of reader) chunks.push(chunk);
    expect(chunks.map(line)).toEqual(["flush s1 0/3", "data s1 1/4 Sorry?", "end s1 1/5"]);
    const flush = chunks[0]!.event.metadata;
    expect(flush.flush).toBe(true);
    expect(flush.parameters.flush).toBe(true);
    expect(reader.stats()).toEqual({ chunks: 2, flushes: 1, flushed: 3, sessions: 1 });
    expect(writer.stats()).toEqual({ chunks: 4, segments: 2, flushes: 1 });
    expect(tts.held).toBe(0);
  });

  it("drops, mid-stream, what was read ahead and not yet yielded, but not what the loop already has", async () => {
    const { llm, tts } = speechNet();
    const iterator = stream(tts, "text")[Symbol.asyncIterator]();
    const writer = openStream(llm, "text", { sessionId: "s1" });
    await writer.write("one");
    await arrived();
    expect(line((await iterator.next()).value as StreamChunk)).toBe("data s1 0/0 one");

    await writer.write("two");
    await writer.write("three");
    await writer.flush();
    await writer.write("four");
    await arrived();
    expect(line((await iterator.next()).value as StreamChunk)).toBe("flush s1 0/3");
    expect(line((await iterator.next()).value as StreamChunk)).toBe("data s1 1/4 four");
    await iterator.return!();
  });

  it("a flush arriving while a slow loop works through chunks read ahead drops the rest of them at its next step", async () => {
    const { llm, tts } = speechNet();
    const iterator = stream(tts, "text")[Symbol.asyncIterator]();
    const writer = openStream(llm, "text", { sessionId: "s1" });
    for (const token of ["a", "b", "c", "d", "e"]) await writer.write(token);
    await arrived();
    // The first step reads all five ahead; the loop is then busy with "a" while the flush comes.
    expect(line((await iterator.next()).value as StreamChunk)).toBe("data s1 0/0 a");
    await writer.flush();
    await writer.write("z");
    await arrived();
    expect(line((await iterator.next()).value as StreamChunk)).toBe("flush s1 0/5");
    expect(line((await iterator.next()).value as StreamChunk)).toBe("data s1 1/6 z");
    await iterator.return!();
  });

  it("drops chunks of a flushed segment that arrive after the flush, and only those", async () => {
    const { net, llm, tts } = speechNet();
    const reader = stream(tts, "text");
    const read = readAll(reader);
    const writer = openStream(llm, "text", { sessionId: "s1" });
    writer.nextSegment();
    await writer.flush();
    await arrived();
    // Late messages, as from a producer that is not a stream writer: segments up to 1 are flushed.
    await llm.sendOutput("text", "late 0", { session_id: "s1", segment_id: 0, seq: 0 });
    await llm.sendOutput("text", "late 1", { session_id: "s1", segment_id: 1, seq: 1 });
    await llm.sendOutput("text", "other session", { session_id: "s2", segment_id: 0, seq: 0 });
    await writer.write("fresh");
    net.finish("llm");

    expect(await read).toEqual(["flush s1 1/0", "data s2 0/0 other session", "data s1 2/1 fresh"]);
    expect(reader.stats()).toEqual({ chunks: 2, flushes: 1, flushed: 2, sessions: 2 });
  });

  it("flushes only the flushing session's chunks of two interleaved sessions", async () => {
    const { net, llm, tts } = speechNet();
    const reader = stream(tts, "text");
    const a = openStream(llm, "text", { sessionId: "a" });
    const b = openStream(llm, "text", { sessionId: "b" });
    await a.write("a1");
    await b.write("b1");
    await a.write("a2");
    await a.flush();
    await b.write("b2");
    await a.write("a3");
    net.finish("llm");
    await arrived();

    expect(await readAll(reader)).toEqual(["data b 0/0 b1", "flush a 0/2", "data b 0/1 b2", "data a 1/3 a3"]);
    expect(reader.stats()).toEqual({ chunks: 3, flushes: 1, flushed: 2, sessions: 2 });
  });

  it("takes a flush parameter without the typed field, and a flush of no session drops the read-ahead messages of none", async () => {
    const { net, llm, tts } = speechNet();
    const reader = stream(tts, "text");
    const writer = openStream(llm, "text", { sessionId: "s1" });
    await llm.sendOutput("text", "plain 1");
    await writer.write("kept");
    await llm.sendOutput("text", "plain 2");
    // As a dora producer sends it: the parameter only.
    await llm.sendOutput("text", new Uint8Array(0), { flush: true });
    net.finish("llm");
    await arrived();

    expect(await readAll(reader)).toEqual(["data s1 0/0 kept", "flush undefined undefined/undefined"]);
    expect(reader.stats()).toEqual({ chunks: 1, flushes: 1, flushed: 2, sessions: 1 });
  });

  it("gives the memory of dropped chunks back at once", async () => {
    const { net, llm, tts } = speechNet();
    const claim = tts.claim("text", "stream");
    const released: string[] = [];
    // The claim as the reader sees it, recording which events are given back.
    const watched: InputClaim = {
      inputId: claim.inputId,
      get ended() {
        return claim.ended;
      },
      onEnd: (listener) => claim.onEnd(listener),
      release: () => claim.release(),
      [Symbol.asyncIterator]: () => claim[Symbol.asyncIterator](),
      recv: async (options) => {
        const event = await claim.recv(options);
        if (event) {
          const text = String(event.rows()[0] ?? "");
          const release = event.release.bind(event);
          event.release = () => {
            released.push(text);
            release();
          };
        }
        return event;
      },
    };
    const reader = new StreamReader("tts", watched);
    const writer = openStream(llm, "text", { sessionId: "s1" });
    await writer.write("dropped");
    await writer.flush();
    net.finish("llm");
    await arrived();

    const kinds: string[] = [];
    for await (const chunk of reader) kinds.push(chunk.kind);
    expect(kinds).toEqual(["flush"]);
    expect(released).toEqual(["dropped"]);
  });
});
