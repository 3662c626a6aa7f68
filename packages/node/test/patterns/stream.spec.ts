import { describe, expect, it } from "vitest";
import { type StreamChunk, stream } from "../../src/patterns/stream-reader.js";
import { openStream } from "../../src/patterns/stream-writer.js";
import { arrived, line, readAll, speechNet } from "./stream-kit.js";

describe("stream writer and reader", () => {
  it("delivers the chunks in order with session, segment and seq; fin ends the session; closed ends the loop", async () => {
    const { net, llm, tts } = speechNet();
    const reader = stream(tts, "text");
    const read = readAll(reader);
    const writer = openStream(llm, "text", { sessionId: "s1", metadata: { voice: "alto" } });
    await writer.write("Hello");
    await writer.write(" world");
    expect(writer.nextSegment()).toBe(1);
    await writer.write("Bye", { lang: "en" });
    await writer.end();
    net.finish("llm");

    expect(await read).toEqual(["data s1 0/0 Hello", "data s1 0/1  world", "data s1 1/2 Bye", "end s1 1/3"]);
    expect(reader.stats()).toEqual({ chunks: 4, flushes: 0, flushed: 0, sessions: 1 });
    expect(writer.stats()).toEqual({ chunks: 3, segments: 2, flushes: 0 });
    expect(llm.held).toBe(0);
    expect(tts.held).toBe(0);
  });

  it("sends the session's metadata with every message, per-chunk metadata, and fin as parameter and typed field", async () => {
    const { net, llm, tts } = speechNet();
    const chunks: StreamChunk[] = [];
    const read = (async () => {
      for await (const chunk of stream(tts, "text")) chunks.push(chunk);
    })();
    const writer = openStream(llm, "text", { metadata: { voice: "alto" } });
    // Parameters passed on from another stream's message: its keys and its fin do not leak.
    await writer.write("Hi", { lang: "en", session_id: "other", fin: true, flush: true });
    await writer.end();
    net.finish("llm");
    await read;

    expect(writer.sessionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const [data, end] = chunks;
    expect(data!.event.metadata.parameters).toEqual({ voice: "alto", lang: "en", session_id: writer.sessionId, segment_id: 0, seq: 0 });
    expect(data!.event.metadata.fin).toBeUndefined();
    expect(end!.kind).toBe("end");
    expect(end!.event.metadata.fin).toBe(true);
    expect(end!.event.metadata.parameters).toMatchObject({ fin: true, session_id: writer.sessionId, seq: 1 });
    expect(end!.event.data.length).toBe(0);
  });

  it("throws StreamEndedError on write, nextSegment and flush after end; a second end sends nothing", async () => {
    const { net, llm, tts } = speechNet();
    const reader = stream(tts, "text");
    const read = readAll(reader);
    const writer = openStream(llm, "text", { sessionId: "s1" });
    await writer.end();
    const ended = { name: "StreamEndedError", nodeId: "llm", outputId: "text", sessionId: "s1" };
    await expect(writer.write("late")).rejects.toMatchObject({ ...ended, operation: "write" });
    expect(() => writer.nextSegment()).toThrow(expect.objectContaining({ ...ended, operation: "nextSegment" }));
    await expect(writer.flush()).rejects.toMatchObject({ ...ended, operation: "flush" });
    await writer.end();
    net.finish("llm");

    expect(await read).toEqual(["end s1 0/0"]);
    expect(writer.ended).toBe(true);
    expect(writer.stats()).toEqual({ chunks: 0, segments: 1, flushes: 0 });
  });

  it("keeps two interleaved sessions apart", async () => {
    const { net, llm, tts } = speechNet();
    const reader = stream(tts, "text");
    const read = readAll(reader);
    const a = openStream(llm, "text", { sessionId: "a" });
    const b = openStream(llm, "text", { sessionId: "b" });
    await a.write("a1");
    await b.write("b1");
    b.nextSegment();
    await a.write("a2");
    await b.write("b2");
    await a.end();
    await b.write("b3");
    await b.end();
    net.finish("llm");

    expect(await read).toEqual(["data a 0/0 a1", "data b 0/0 b1", "data a 0/1 a2", "data b 1/1 b2", "end a 0/2", "data b 1/2 b3", "end b 1/3"]);
    expect(reader.stats().sessions).toBe(2);
  });

  it("yields messages without stream keys as chunks of no session", async () => {
    const { net, llm, tts } = speechNet();
    const read = readAll(stream(tts, "text"));
    await llm.sendOutput("text", "plain");
    net.finish("llm");
    expect(await read).toEqual(["data undefined undefined/undefined plain"]);
  });

  it("throws StreamProducerFailedError naming the producer and the open session after the chunks before the failure", async () => {
    const { net, llm, tts } = speechNet();
    const lines: string[] = [];
    const read = readAll(stream(tts, "text"), lines);
    const writer = openStream(llm, "text", { sessionId: "s1" });
    await writer.write("Hel");
    net.fail("llm", "killed by SIGKILL");

    await expect(read).rejects.toMatchObject({
      name: "StreamProducerFailedError",
      nodeId: "tts",
      inputId: "text",
      sourceNodeId: "llm",
      error: "killed by SIGKILL",
      sessionId: "s1",
    });
    expect(lines).toEqual(["data s1 0/0 Hel"]);
    expect(tts.held).toBe(0);
  });

  it("ends the loop without error when the node stops", async () => {
    const { tts } = speechNet();
    const read = readAll(stream(tts, "text"));
    tts.stop();
    expect(await read).toEqual([]);
  });

  it("throws AbortError when the read's signal fires, and gives the input back", async () => {
    const { llm, tts } = speechNet();
    const controller = new AbortController();
    const read = readAll(stream(tts, "text", { signal: controller.signal }));
    controller.abort();
    await expect(read).rejects.toMatchObject({ name: "AbortError" });
    // Released: the input is the main loop's again.
    await llm.sendOutput("text", "after");
    await arrived();
    expect(tts.unclaimed.map((event) => event.rows()[0])).toEqual(["after"]);
  });

  it("gives the input back when the loop breaks; a later iteration ends at once", async () => {
    const { llm, tts } = speechNet();
    const reader = stream(tts, "text");
    const writer = openStream(llm, "text", { sessionId: "s1" });
    await writer.write("one");
    for await (const chunk of reader) {
      expect(line(chunk)).toBe("data s1 0/0 one");
      break;
    }
    expect(await readAll(reader)).toEqual([]);
    expect(() => stream(tts, "text")).not.toThrow();
  });
});
