import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { Socket, connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it, onTestFinished } from "vitest";
import { type ControlProtocolError, JsonSocket, encodeWireHead } from "../src/internal.js";

type Message = { t: string; [key: string]: unknown };

/** A JsonSocket over an unconnected socket, fed by emitting 'data' as the stream would. */
function decoder(maxFrameBytes?: number) {
  const socket = new Socket();
  const messages: Message[] = [];
  const errors: ControlProtocolError[] = [];
  const json = new JsonSocket<Message, Message>(socket, (m) => messages.push(m), (e) => errors.push(e), { maxFrameBytes });
  const feed = (bytes: Uint8Array, pieces: number[]): void => {
    let at = 0;
    for (const piece of [...pieces, bytes.length]) {
      const end = Math.min(bytes.length, at + piece);
      if (end > at) socket.emit("data", Buffer.from(bytes.subarray(at, end)));
      at = end;
      if (at >= bytes.length) break;
    }
  };
  return { socket, json, messages, errors, feed };
}

function frame(value: unknown, kind = 0): Buffer {
  const body = Buffer.from(JSON.stringify(value));
  return Buffer.concat([encodeWireHead(kind, body.length), body]);
}

const message = fc.record({ t: fc.string({ minLength: 1, maxLength: 10 }), n: fc.integer(), text: fc.string({ maxLength: 300 }) });
const pieces = fc.array(fc.integer({ min: 1, max: 64 }), { maxLength: 40 });

describe("JsonSocket (fast-check)", () => {
  it("decodes any sequence of messages, however the stream is split", () => {
    fc.assert(
      fc.property(fc.array(message, { maxLength: 20 }), pieces, (sent, split) => {
        const d = decoder();
        d.feed(Buffer.concat(sent.map((m) => frame(m))), split);
        expect(d.messages).toEqual(sent);
        expect(d.errors).toEqual([]);
      }),
    );
  });

  it("a truncated stream delivers the whole messages before the cut and nothing else, without an error", () => {
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 10 }), fc.nat(), pieces, (sent, cut, split) => {
        const frames = sent.map((m) => frame(m));
        const bytes = Buffer.concat(frames);
        const at = cut % bytes.length;
        const d = decoder();
        d.feed(bytes.subarray(0, at), split);
        let whole = 0;
        for (let end = 0, i = 0; i < frames.length && end + frames[i]!.length <= at; i++) {
          end += frames[i]!.length;
          whole++;
        }
        expect(d.messages).toEqual(sent.slice(0, whole));
        expect(d.errors).toEqual([]);
      }),
    );
  });

  it("random bytes never throw: each input either decodes or ends in one named error, and the socket is destroyed", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), pieces, (bytes, split) => {
        const d = decoder(1024);
        d.feed(bytes, split);
        expect(d.errors.length).toBeLessThanOrEqual(1);
        for (const error of d.errors) {
          expect(error.name).toBe("ControlProtocolError");
          expect(["frame_too_large", "frame_kind", "json", "message"]).toContain(error.violation);
        }
        if (d.errors.length > 0) expect(d.socket.destroyed).toBe(true);
      }),
    );
  });

  it("refuses an oversized frame from its head, and reads nothing after an error", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1025, max: 0xffffffff }), fc.array(message, { maxLength: 3 }), (length, after) => {
        const d = decoder(1024);
        d.feed(Buffer.concat([encodeWireHead(0, length), ...after.map((m) => frame(m))]), []);
        expect(d.errors.map((e) => e.violation)).toEqual(["frame_too_large"]);
        expect(d.messages).toEqual([]);
      }),
    );
  });

  it("names each kind of malformed message", () => {
    const cases: [Buffer, string][] = [
      [frame({ t: "x" }, 7), "frame_kind"],
      [Buffer.concat([encodeWireHead(0, 2), Buffer.from([0xff, 0xfe])]), "json"],
      [frame([1, 2]), "message"],
      [frame({ nope: 1 }), "message"],
      [frame("text"), "message"],
    ];
    for (const [bytes, violation] of cases) {
      const d = decoder();
      d.feed(bytes, []);
      expect(d.errors).toEqual([expect.objectContaining({ name: "ControlProtocolError", violation })]);
    }
  });

  it("raising maxFrameBytes lets larger frames through from then on", () => {
    const d = decoder(64);
    d.json.maxFrameBytes = 10_000;
    d.feed(frame({ t: "big", text: "x".repeat(5000) }), []);
    expect(d.messages).toHaveLength(1);
    expect(d.json.maxFrameBytes).toBe(10_000);
  });
});

describe("JsonSocket", () => {
  it("after an error it reads nothing more, even frames that arrive later in their own chunks", () => {
    const d = decoder();
    d.feed(frame({ t: "x" }, 7), []);
    d.feed(frame({ t: "after" }), []);
    d.feed(frame({ t: "later" }), []);
    expect(d.messages).toEqual([]);
    expect(d.errors.map((e) => e.violation)).toEqual(["frame_kind"]);
    expect(d.socket.destroyed).toBe(true);
  });

  it("refuses bytes that are not UTF-8 even inside a JSON string, with the decoder's error as cause", () => {
    const d = decoder();
    const body = Buffer.concat([Buffer.from('{"t":"a'), Buffer.from([0xff]), Buffer.from('"}')]);
    d.feed(Buffer.concat([encodeWireHead(0, body.length), body]), []);
    expect(d.messages).toEqual([]);
    expect(d.errors).toEqual([expect.objectContaining({ violation: "json", cause: expect.any(TypeError) })]);
  });

  it("keeps JSON's SyntaxError as the cause of a 'json' violation", () => {
    const d = decoder();
    const body = Buffer.from('{"t":');
    d.feed(Buffer.concat([encodeWireHead(0, body.length), body]), []);
    expect(d.errors).toEqual([expect.objectContaining({ violation: "json", cause: expect.any(SyntaxError) })]);
  });

  it("an oversized frame is 'frame_too_large' with the FrameDecodeError as cause", () => {
    const d = decoder(16);
    d.feed(encodeWireHead(0, 17), []);
    expect(d.errors).toEqual([expect.objectContaining({ name: "ControlProtocolError", violation: "frame_too_large", cause: expect.objectContaining({ name: "FrameDecodeError" }) })]);
  });

  it("a handler that throws on a message makes it a 'message' violation with the thrown error as cause", () => {
    const socket = new Socket();
    const errors: ControlProtocolError[] = [];
    const thrown = new RangeError("no such node");
    new JsonSocket<Message, Message>(
      socket,
      () => {
        throw thrown;
      },
      (e) => errors.push(e),
    );
    socket.emit("data", frame({ t: "register" }));
    expect(errors).toEqual([expect.objectContaining({ name: "ControlProtocolError", violation: "message", cause: thrown })]);
    expect(socket.destroyed).toBe(true);
  });

  it("send() writes messages the peer's JsonSocket reads, and returns false once the socket is closed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rvl-json-socket-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, "s.sock");
    const received: Message[] = [];
    let arrived: () => void = () => {};
    const server = createServer((peer) => {
      new JsonSocket<Message, Message>(peer, (m) => (received.push(m), arrived()), () => {});
    });
    onTestFinished(() => void server.close());
    server.listen(path);
    await once(server, "listening");
    const client = connect(path);
    await once(client, "connect");
    const json = new JsonSocket<Message, Message>(client, () => {}, () => {});
    const done = new Promise<void>((resolve) => (arrived = () => received.length === 3 && resolve()));
    expect(json.send({ t: "a", n: 1 })).toBe(true);
    expect(json.send({ t: "b", text: "é".repeat(100) })).toBe(true);
    expect(json.send({ t: "c" })).toBe(true);
    await done;
    expect(received).toEqual([{ t: "a", n: 1 }, { t: "b", text: "é".repeat(100) }, { t: "c" }]);
    client.end();
    expect(json.send({ t: "late" })).toBe(false);
    client.destroy();
    expect(json.send({ t: "later" })).toBe(false);
  });
});
