import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { planChannel, record } from "@rivulet/transport-compliance";
import { unix } from "../src/index.js";

let runDir: string;
beforeEach(async () => {
  runDir = await mkdtemp(join(tmpdir(), "rvl-test-"));
});
afterEach(() => rm(runDir, { recursive: true, force: true }));

describe("unix transport", () => {
  it("reports a corrupt stream as 'lost' with the decode error as cause", async () => {
    const plugin = unix();
    const channel = await planChannel({ plugin, runDir }, "a/out", ["b"]);
    const path = (channel.connection as { path: string }).path;
    // A fake publisher that ACKs, then announces a 2 GB frame.
    const server = createServer((socket) => {
      socket.once("data", () => {
        socket.write(Buffer.from([0, 0, 0, 0, 3, 0, 0, 0]));
        socket.write(Buffer.from([0xff, 0xff, 0xff, 0x7f, 1, 0, 0, 0]));
      });
    });
    await new Promise<void>((resolve) => server.listen(path, resolve));
    const transport = plugin.create({ dataflowId: "x", nodeId: "b" });
    const recorder = await record(transport, channel, "b");
    await recorder.ended();
    expect(recorder.closed?.reason).toBe("lost");
    expect(recorder.closed?.error).toMatchObject({ name: "ChannelLostError", reason: "corrupt" });
    expect((recorder.closed?.error?.cause as Error).name).toBe("FrameDecodeError");
    await transport.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it("names the subscribers a send waits for", async () => {
    const plugin = unix();
    const channel = await planChannel({ plugin, runDir }, "a/out", ["b", "c"]);
    const transport = plugin.create({ dataflowId: "x", nodeId: "a" });
    try {
      const publisher = await transport.publish(channel);
      const slow = await record(transport, channel, "b", { flowControl: true, keepBytes: 0 });
      await record(transport, channel, "c", { keepBytes: 0 });
      slow.subscription.pause();
      const frame = new Uint8Array(256 * 1024);
      let wait: Promise<void> | undefined;
      for (let i = 0; i < 1000 && !wait; i++) wait = publisher.send([frame]);
      expect(wait).toBeInstanceOf(Promise);
      expect(publisher.waitingFor).toEqual(["b"]);
      slow.subscription.resume();
      await wait;
      expect(publisher.waitingFor).toEqual([]);
    } finally {
      await transport.close();
    }
  });

  it("plans one socket, a fresh secret and the subscriber ids per channel, and rejects options", () => {
    const plugin = unix();
    const planned = plugin.plan({
      dataflowId: "x",
      runDir,
      options: {},
      channels: [
        { channel: "a/x", producer: "a", output: "x", subscribers: ["b"] },
        { channel: "a/y", producer: "a", output: "y", subscribers: ["b"] },
      ],
    });
    expect(planned.map((c) => c.connection)).toEqual([
      { path: join(runDir, "u0.sock"), secret: expect.stringMatching(/^[\w-]{43}$/), subscribers: ["b"] },
      { path: join(runDir, "u1.sock"), secret: expect.stringMatching(/^[\w-]{43}$/), subscribers: ["b"] },
    ]);
    const [first, second] = planned.map((c) => (c.connection as { secret: string }).secret);
    expect(first).not.toBe(second);
    expect(() => plugin.plan({ dataflowId: "x", runDir, options: { qos: 1 }, channels: [] })).toThrow(
      expect.objectContaining({ name: "InvalidTransportOptionsError", kind: "unix", issues: [expect.objectContaining({ path: ["qos"] })] }),
    );
    expect(plugin.validate?.({ qos: 1 })).toEqual([expect.objectContaining({ path: ["qos"] })]);
    expect(plugin.validate?.({})).toEqual([]);
    expect(() => plugin.plan({ dataflowId: "x", runDir: "/tmp/" + "x".repeat(120), options: {}, channels: [{ channel: "a/x", producer: "a", output: "x", subscribers: [] }] })).toThrow(expect.objectContaining({ name: "SocketPathTooLongError", channel: "a/x", maxBytes: 107 }));
  });
});
