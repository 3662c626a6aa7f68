import { expect, it } from "vitest";
import type { Publisher, SendOptions, TransportCapabilities } from "@rivulet/core";
import { planChannel, record, seqChunk, seqOf } from "./harness.js";
import type { WithTransports } from "./queue-policy-cases.js";

/** The prelude of key `key` ("A", "B"...): a frame whose sequence number is -1, -2... */
function prelude(key: string): NonNullable<SendOptions["prelude"]> {
  return { key, chunks: [seqChunk(-1 - (key.charCodeAt(0) - 65))] };
}

/** Sends frame `seq` of `size` bytes, needing the prelude `key` when given. */
function send(publisher: Publisher, seq: number, key?: string, size = 8): Promise<void> | undefined {
  const chunks = size > 8 ? [seqChunk(seq), new Uint8Array(size - 8)] : [seqChunk(seq)];
  return publisher.send(chunks, key ? { prelude: prelude(key) } : undefined);
}

/** Drops the preludes from `seqs` when the publisher does not claim to deliver them. */
const expected = (publisher: Publisher, seqs: number[]): number[] => (publisher.preludes ? seqs : seqs.filter((s) => s >= 0));

/**
 * The prelude cases (SendOptions.prelude): a publisher that claims `preludes` writes each
 * prelude to each subscriber once, right before the first frame that needs it, also to
 * subscribers that join later; never drops one under drop_oldest; charges no credit for one. A
 * publisher that does not claim them must ignore them.
 */
export function preludeCases(withTransports: WithTransports, capabilities: TransportCapabilities): void {
  it("preludes: each subscriber, a late joiner too, gets a prelude once, right before the first frame that needs it", () =>
    withTransports(async (setup, make) => {
      const channel = await planChannel(setup, "a/out", ["b", "c"]);
      const publisher = await make().publish(channel);
      const early = await record(make(), channel, "b");
      send(publisher, 0);
      for (const seq of [1, 2, 3]) send(publisher, seq, "A");
      send(publisher, 4, "B");
      await early.received(expected(publisher, [0, -1, 1, 2, 3, -2, 4]).length);
      const late = await record(make(), channel, "c");
      for (const seq of [5, 6]) send(publisher, seq, "A");
      send(publisher, 7, "B");
      await publisher.close();
      await Promise.all([early.ended(), late.ended()]);
      expect(early.frames.map(seqOf)).toEqual(expected(publisher, [0, -1, 1, 2, 3, -2, 4, 5, 6, 7]));
      expect(late.frames.map(seqOf)).toEqual(expected(publisher, [-1, 5, 6, -2, 7]));
    }));

  it("preludes: drop_oldest drops frames, never a prelude, and does not count it", () =>
    withTransports(async (setup, make) => {
      const channel = await planChannel(setup, "a/out", ["b"]);
      const publisher = await make().publish(channel);
      const recorder = await record(make(), channel, "b", { queueSize: 2, keepBytes: 8 });
      recorder.subscription.pause();
      const count = 400;
      for (let seq = 0; seq < count; seq++) {
        // The second half needs a prelude; its first frames are the ones dropped.
        const wait = send(publisher, seq, seq >= count / 2 ? "A" : undefined, 64 * 1024);
        if (wait) await wait;
      }
      const drops = publisher.drops + (recorder.subscription.drops ?? 0);
      recorder.subscription.resume();
      await publisher.close();
      await recorder.ended(60_000);
      const seqs = recorder.frames.map(seqOf);
      const data = seqs.filter((s) => s >= 0);
      expect(drops).toBeGreaterThan(0);
      expect(data.length + drops).toBe(count);
      expect(data.at(-1)).toBe(count - 1);
      if (!publisher.preludes) return expect(seqs).toEqual(data);
      expect(seqs.filter((s) => s === -1)).toHaveLength(1);
      const firstNeeding = seqs.findIndex((s) => s >= count / 2);
      expect(seqs[firstNeeding - 1]).toBe(-1);
    }));

  it.skipIf(!capabilities.flowControl)("preludes: a flow-controlled subscriber is charged no credit for a prelude", () =>
    withTransports(async (setup, make) => {
      const channel = await planChannel(setup, "a/out", ["b"]);
      const publisher = await make().publish(channel);
      const recorder = await record(make(), channel, "b", { flowControl: true, grantsCredits: true, queueSize: 2 });
      expect(send(publisher, 0, "A")).toBeUndefined();
      const wait = send(publisher, 1, "B");
      // Two frames took the two credits; the preludes took none.
      expect(wait).toBeInstanceOf(Promise);
      await recorder.received(expected(publisher, [-1, 0, -2, 1]).length);
      recorder.subscription.consumed!(2);
      await wait;
      send(publisher, 2, "A");
      await publisher.close();
      await recorder.ended();
      expect(recorder.frames.map(seqOf)).toEqual(expected(publisher, [-1, 0, -2, 1, 2]));
    }));
}
