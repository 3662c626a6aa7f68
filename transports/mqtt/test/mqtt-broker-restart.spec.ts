import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChannelStatus, PlannedChannel } from "@rivulet/core";
import { type Broker, startMosquitto } from "@rivulet/test-brokers";
import { mqtt } from "../src/index.js";

// What happens while the broker is down (README "A broker restart").

let broker: Broker;
beforeAll(async () => {
  broker = await startMosquitto();
}, 60_000);
afterAll(async () => {
  await broker?.close();
});

const seqChunk = (seq: number): Uint8Array => {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setFloat64(0, seq, true);
  return bytes;
};
const seqOf = (frame: Uint8Array): number => new DataView(frame.buffer, frame.byteOffset, 8).getFloat64(0, true);

/** Sends 0..total-1, restarting the broker after `restartAt`; returns what the subscriber got, its statuses and drops. */
async function acrossRestart(qos: 0 | 1, total: number, restartAt: number, cleanSession = false): Promise<{ seqs: number[]; statuses: ChannelStatus[]; drops: number }> {
  const options = { url: broker.url, prefix: `restart/${process.pid}/qos${qos}/${cleanSession ? "clean" : "kept"}`, qos, reconnect_min_ms: 20, reconnect_max_ms: 200, clean_session: cleanSession };
  const [channel] = (await mqtt().plan({ dataflowId: "r", runDir: "/nonexistent", options, channels: [{ channel: "a/out", producer: "a", output: "out", subscribers: ["b"] }] })) as [PlannedChannel];
  const producer = mqtt().create({ dataflowId: "r", nodeId: "a", options });
  const consumer = mqtt().create({ dataflowId: "r", nodeId: "b", options });
  const seqs: number[] = [];
  const statuses: ChannelStatus[] = [];
  try {
    const publisher = await producer.publish(channel);
    const subscription = await consumer.subscribe(channel, { subscriberId: "b", flowControl: false, queueSize: total, onFrame: (frame) => seqs.push(seqOf(frame)), onStatus: (status) => statuses.push(status) });
    for (let seq = 0; seq < total; seq++) {
      if (seq === restartAt) {
        // The restart is not awaited: frames sent meanwhile queue in the publisher (and its send waits past the watermark).
        void broker.restart();
      }
      await publisher.send([seqChunk(seq), new Uint8Array(1024)]);
    }
    await publisher.close();
    const end = await subscription.closed;
    expect(end).toBeUndefined();
    return { seqs, statuses, drops: subscription.drops ?? 0 };
  } finally {
    await Promise.all([producer.close(), consumer.close()]);
  }
}

describe("a broker restart mid-stream", () => {
  it("QoS 1 with persistent sessions: every frame arrives once, in order (redeliveries removed by sequence number)", async () => {
    const { seqs, statuses, drops } = await acrossRestart(1, 2000, 500);
    expect(seqs).toEqual(Array.from({ length: 2000 }, (_, i) => i));
    expect(drops).toBe(0);
    expect(statuses).toContain("reconnecting");
    expect(statuses.at(-1)).toBe("ended");
  });

  it("QoS 0: what the restart lost is counted in drops, the rest arrives in order", async () => {
    const { seqs, drops } = await acrossRestart(0, 2000, 500);
    expect(seqs.length + drops).toBe(2000);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it("clean_session: true (the broker keeps no session): the subscriptions are made again, frames after the reconnect arrive, what the restart lost is counted", async () => {
    const { seqs, drops } = await acrossRestart(1, 2000, 500, true);
    expect(seqs.length + drops).toBe(2000);
    expect(seqs.at(-1)).toBe(1999);
    expect(seqs.filter((seq) => seq > 1000).length).toBeGreaterThan(900);
  });
});
