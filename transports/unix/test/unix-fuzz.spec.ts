import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeWireHead } from "@rivulet/core/internal";
import { planChannel, record, seqChunk, seqOf, until } from "@rivulet/transport-compliance";
import { unix, unixConnection } from "../src/index.js";
import { connectIntruder } from "./intruder.js";

const ACK = 3;

let runDir: string;
beforeAll(async () => {
  runDir = await mkdtemp(join(tmpdir(), "rvl-fuzz-"));
});
afterAll(() => rm(runDir, { recursive: true, force: true }));

describe("unix transport fed random bytes (property)", () => {
  it("a publisher closes a connection that sends random bytes and keeps serving its healthy subscriber", async () => {
    const plugin = unix({ helloTimeoutMs: 100 });
    const channel = await planChannel({ plugin, runDir }, "a/out", ["b"]);
    const producer = plugin.create({ dataflowId: "x", nodeId: "a" });
    const consumer = plugin.create({ dataflowId: "x", nodeId: "b" });
    try {
      const publisher = await producer.publish(channel);
      const healthy = await record(consumer, channel, "b", { keepBytes: 8 });
      let seq = 0;
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (bytes) => {
          const intruder = await connectIntruder(unixConnection(channel).path);
          intruder.socket.write(bytes);
          // Random bytes either break the framing at once or leave a partial HELLO that the time bound closes.
          await until(() => intruder.closed, "the random connection to be closed", 10_000);
          expect(intruder.bytes).toBe(0);
          await publisher.send([seqChunk(seq++)]);
          await healthy.received(seq);
        }),
        { numRuns: 40 },
      );
      expect(healthy.frames.map(seqOf)).toEqual(Array.from({ length: seq }, (_, i) => i));
      expect(publisher.subscriberCount).toBe(1);
    } finally {
      await Promise.all([producer.close(), consumer.close()]);
    }
  });

  it("a subscriber fed random bytes by a fake publisher ends with 'end' or a named loss, never a crash", async () => {
    const plugin = unix();
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), fc.boolean(), async (bytes, acknowledged) => {
        // Closing the fake server removes its socket file, so every run can plan the same path.
        const channel = await planChannel({ plugin, runDir }, "a/out", ["b"]);
        const fake = createServer((socket) => {
          socket.on("error", () => {});
          socket.once("data", () => {
            if (acknowledged) socket.write(encodeWireHead(ACK, 0));
            socket.end(bytes);
          });
        });
        await new Promise<void>((resolve) => fake.listen(unixConnection(channel).path, resolve));
        const transport = plugin.create({ dataflowId: "x", nodeId: "b" });
        try {
          const recorder = await record(transport, channel, "b").catch((error: Error) => error);
          if (recorder instanceof Error) {
            // Before an ACK, every outcome is a refused or broken subscription, named.
            expect(recorder).toMatchObject({ name: "TransportConnectError" });
            return;
          }
          await recorder.ended();
          const closed = recorder.closed!;
          if (closed.reason === "lost") expect(closed.error).toMatchObject({ name: "ChannelLostError", channel: "a/out" });
        } finally {
          await transport.close();
          await new Promise((resolve) => fake.close(resolve));
        }
      }),
      { numRuns: 60 },
    );
  });
});
