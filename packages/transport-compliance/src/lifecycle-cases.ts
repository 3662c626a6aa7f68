import { spawn } from "node:child_process";
import { expect, it } from "vitest";
import type { Publisher, Transport, TransportCapabilities } from "@rivulet/core";
import { type ComplianceSetup, type Recorder, planChannel, record, seqChunk, seqOf } from "./harness.js";
import type { WithTransports } from "./queue-policy-cases.js";

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

/** Sends 64 KB frames to a paused flow-controlled subscriber until a send is asked to wait; returns that wait and how many were sent. */
function fillUntilWait(send: (seq: number) => Promise<void> | undefined): { wait: Promise<void>; sent: number } {
  for (let sent = 0; sent < 10_000; sent++) {
    const wait = send(sent);
    if (wait) return { wait, sent: sent + 1 };
  }
  throw new Error("the publisher never asked the sender to wait for a paused flow-controlled subscriber");
}

/** A publisher on a fresh channel with one flow-controlled subscriber `b`, paused, and a 64 KB payload. */
async function pausedFlowControlled(setup: ComplianceSetup, make: () => Transport): Promise<{ publisher: Publisher; recorder: Recorder; frame: Uint8Array }> {
  const channel = await planChannel(setup, "a/out", ["b"]);
  const publisher = await make().publish(channel);
  const recorder = await record(make(), channel, "b", { flowControl: true, keepBytes: 8 });
  recorder.subscription.pause();
  return { publisher, recorder, frame: new Uint8Array(64 * 1024) };
}

/**
 * Lifecycle cases: closes are idempotent; a send waiting on flow control can be aborted, ends
 * when the publisher closes, and when the subscriber it waits for goes away; a publisher whose
 * process dies is reported as lost (for transports that claim `publisherLoss`; the setup's
 * `module` is loaded in a child process that is then killed).
 */
export function lifecycleCases(withTransports: WithTransports, capabilities: TransportCapabilities): void {
  it("closes transports, publishers and subscriptions idempotently, also twice at once", () =>
    withTransports(async (setup, make) => {
      const channel = await planChannel(setup, "a/out", ["b"]);
      const producer = make();
      const consumer = make();
      const publisher = await producer.publish(channel);
      const recorder = await record(consumer, channel, "b");
      await publisher.send([seqChunk(0)]);
      await recorder.received(1);
      await Promise.all([recorder.subscription.close(), recorder.subscription.close()]);
      await recorder.subscription.close();
      await Promise.all([publisher.close(), publisher.close()]);
      await publisher.close();
      await Promise.all([producer.close(), producer.close(), consumer.close()]);
      await consumer.close();
    }));

  it.skipIf(!capabilities.flowControl)("a send waiting on flow control rejects with AbortError when its signal fires; the frames before it arrive and later sends go on", () =>
    withTransports(async (setup, make) => {
      const { publisher, recorder, frame } = await pausedFlowControlled(setup, make);
      const controller = new AbortController();
      const { wait, sent } = fillUntilWait((seq) => publisher.send([seqChunk(seq), frame], { signal: controller.signal }));
      controller.abort();
      await expect(wait).rejects.toMatchObject({ name: "AbortError" });
      recorder.subscription.resume();
      await publisher.send([seqChunk(sent), frame]);
      await recorder.received(sent + 1);
      expect(recorder.frames.map(seqOf)).toEqual(range(0, sent + 1));
      expect(publisher.drops).toBe(0);
    }));

  it.skipIf(!capabilities.flowControl)("closing the publisher ends a send waiting on flow control; the subscriber then gets every frame and the end", () =>
    withTransports(async (setup, make) => {
      const { publisher, recorder, frame } = await pausedFlowControlled(setup, make);
      const { wait, sent } = fillUntilWait((seq) => publisher.send([seqChunk(seq), frame]));
      const closing = publisher.close();
      recorder.subscription.resume();
      await wait;
      await closing;
      await recorder.ended();
      expect(recorder.frames.map(seqOf)).toEqual(range(0, sent));
      expect(recorder.closed).toEqual({ reason: "end" });
    }));

  it.skipIf(!capabilities.flowControl)("a subscriber that goes away without a word ends the send waiting for it; the other subscriber keeps receiving", () =>
    withTransports(async (setup, make) => {
      const channel = await planChannel(setup, "a/out", ["b", "c"]);
      const publisher = await make().publish(channel);
      const leaving = make();
      const gone = await record(leaving, channel, "b", { flowControl: true, keepBytes: 8 });
      const other = await record(make(), channel, "c", { keepBytes: 8 });
      gone.subscription.pause();
      const frame = new Uint8Array(64 * 1024);
      const { wait, sent } = fillUntilWait((seq) => publisher.send([seqChunk(seq), frame]));
      await leaving.close(); // as if its process died: the connection just goes
      await wait;
      await expect.poll(() => publisher.subscriberCount, { timeout: 10_000 }).toBe(1);
      await publisher.send([seqChunk(sent), frame]);
      await other.received(sent + 1);
      expect(other.frames.map(seqOf).slice(-1)).toEqual([sent]);
    }));

  it.skipIf(!capabilities.publisherLoss)("a publisher whose process is killed is reported as lost, after the frames it sent", () =>
    withTransports(async (setup, make) => {
      if (!setup.module) throw new Error("a transport that claims publisherLoss must give the suite its `module` (a file URL Node can import) so a publisher can run in a process of its own");
      const channel = await planChannel(setup, "a/out", ["b"]);
      const script = `
        const exported = (await import(${JSON.stringify(setup.module)})).default;
        const plugin = typeof exported === "function" ? exported() : exported;
        const publisher = await plugin.create({ dataflowId: "compliance", nodeId: "a", options: ${JSON.stringify(setup.options ?? {})} }).publish(${JSON.stringify(channel)});
        let seq = 0;
        setInterval(() => { const b = new Uint8Array(8); new DataView(b.buffer).setFloat64(0, seq++, true); publisher.send([b]); }, 5);
      `;
      const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: "ignore" });
      try {
        const recorder = await record(make(), channel, "b");
        await recorder.received(3);
        child.kill("SIGKILL");
        await recorder.ended();
        expect(recorder.closed?.reason).toBe("lost");
        expect(recorder.closed?.error).toBeInstanceOf(Error);
        expect(recorder.statuses.at(0)).toBe("connected");
        expect(recorder.statuses.at(-1)).toBe("lost");
        // Sent before the subscription are not its frames; from the first it got, none is missing.
        const seqs = recorder.frames.map(seqOf);
        expect(seqs).toEqual(range(seqs[0]!, seqs[0]! + seqs.length));
      } finally {
        child.kill("SIGKILL");
      }
    }));
}
