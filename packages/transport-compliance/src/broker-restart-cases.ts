import { expect, it } from "vitest";
import type { Publisher } from "@rivulet/core";
import { type ComplianceSetup, planChannel, record, seqChunk, seqOf } from "./harness.js";
import type { WithTransports } from "./queue-policy-cases.js";

/** Frames sent after the restart once the first of them arrived: they must all arrive. */
const AFTER_RECOVERY = 20;
/** How long the transport has to carry a frame again after the broker came back. */
const RECOVERY_TIMEOUT_MS = 30_000;
const PAUSE_MS = 10;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The broker-restart case, for transports that go through a broker: the suite's caller gives a
 * `restartBroker` hook (stop the broker, start it again on the same port). A channel survives
 * it: both sides reconnect on their own, frames sent once the channel works again all arrive, in
 * order, and every frame lost meanwhile is counted (`Publisher.drops` or `Subscription.drops`),
 * never silently gone: received + counted = sent.
 */
export function brokerRestartCases(withTransports: WithTransports, restartBroker: ((setup: ComplianceSetup) => Promise<void>) | undefined): void {
  it.skipIf(restartBroker === undefined)("a broker restart mid-stream: both sides reconnect, later frames all arrive in order, and what was lost is counted", () =>
    withTransports(async (setup, make) => {
      const channel = await planChannel(setup, "a/out", ["b"]);
      const publisher = await make().publish(channel);
      const recorder = await record(make(), channel, "b", { keepBytes: 8, queueSize: 10_000 });
      let seq = 0;
      const send = async (p: Publisher): Promise<void> => {
        const wait = p.send([seqChunk(seq++), new Uint8Array(256)]);
        if (wait) await wait;
      };
      for (let i = 0; i < 50; i++) await send(publisher);
      await recorder.received(50);
      await restartBroker!(setup);
      // Sends go on while the transport reconnects, until one sent after the restart arrives.
      const restartedAt = seq;
      const deadline = Date.now() + RECOVERY_TIMEOUT_MS;
      while (!recorder.frames.some((frame) => seqOf(frame) >= restartedAt)) {
        if (Date.now() > deadline) throw new Error(`no frame arrived within ${RECOVERY_TIMEOUT_MS} ms of the broker's restart (statuses: ${recorder.statuses.join(", ")})`);
        await send(publisher);
        await sleep(PAUSE_MS);
      }
      const recoveredFrom = seq;
      for (let i = 0; i < AFTER_RECOVERY; i++) await send(publisher);
      await publisher.close();
      await recorder.ended(RECOVERY_TIMEOUT_MS);
      const seqs = recorder.frames.map(seqOf);
      expect(seqs.every((s, i) => i === 0 || s > seqs[i - 1]!)).toBe(true);
      expect(seqs.slice(0, 50)).toEqual(Array.from({ length: 50 }, (_, i) => i));
      expect(seqs.slice(-AFTER_RECOVERY)).toEqual(Array.from({ length: AFTER_RECOVERY }, (_, i) => recoveredFrom + i));
      expect(seqs.length + publisher.drops + (recorder.subscription.drops ?? 0)).toBe(seq);
      expect(recorder.closed).toEqual({ reason: "end" });
      expect(recorder.statuses.slice(0, 1)).toEqual(["connected"]);
      expect(recorder.statuses).toContain("reconnecting");
      expect(recorder.statuses.at(-1)).toBe("ended");
    }));
}
