import { describe, expect, it } from "vitest";
import { type Json, type Transport, type TransportCapabilities, capabilitiesOf } from "@rivulet/core";
import { existsSync } from "node:fs";
import { type ComplianceSetup, openHandles, patterned, planChannel, record, removeRegistered, until } from "./harness.js";
import { brokerRestartCases } from "./broker-restart-cases.js";
import { lendingCases } from "./lending-cases.js";
import { lifecycleCases } from "./lifecycle-cases.js";
import { preludeCases } from "./prelude-cases.js";
import { creditCases, queuePolicyCases } from "./queue-policy-cases.js";

/**
 * The suite every transport passes (DESIGN §6): round trips from empty to large frames, order,
 * fan-out, close semantics, abort signals, the queue policies (queue-policy-cases.ts), preludes
 * (prelude-cases.ts), lifecycle (lifecycle-cases.ts: idempotent closes, a waiting send aborted,
 * ended by close or by its subscriber leaving, a lost publisher), lending and release of the
 * transport's own memory (lending-cases.ts), a broker restart for transports through a broker
 * (broker-restart-cases.ts, with the `restartBroker` hook), and no handles or registered files left open. A transport's spec calls it with `setup` (a
 * fresh plugin and run folder per test), `teardown`, and the `capabilities` it claims: the suite
 * checks that the plugin declares exactly those, runs the cases they call for, and skips the
 * others visibly (they show as skipped in the report).
 *
 * ```ts
 * transportCompliance("unix", { setup: async () => ({ plugin: unix(), runDir: await mkdtemp(...) }), teardown: ..., capabilities: capabilitiesOf(unix()) });
 * ```
 */
export function transportCompliance(
  name: string,
  hooks: {
    setup: () => Promise<ComplianceSetup>;
    teardown?: (setup: ComplianceSetup) => Promise<void>;
    capabilities: TransportCapabilities;
    /** For transports through a broker: stops the broker the setup uses and starts it again on the same port (runs the broker-restart case). */
    restartBroker?: (setup: ComplianceSetup) => Promise<void>;
  },
): void {
  const { capabilities } = hooks;
  async function withTransports(test: (setup: ComplianceSetup, make: () => Transport) => Promise<void>): Promise<void> {
    const setup = await hooks.setup();
    const transports: Transport[] = [];
    const make = (): Transport => {
      // As a node gets them: the transport's options at create(), never in a channel's connection.
      const transport = setup.plugin.create({ dataflowId: "compliance", nodeId: `n${transports.length}`, options: (setup.options ?? {}) as Record<string, Json> });
      transports.push(transport);
      return transport;
    };
    try {
      await test(setup, make);
    } finally {
      await Promise.all(transports.map((t) => t.close()));
      removeRegistered(setup);
      await hooks.teardown?.(setup);
    }
  }

  describe(`transport compliance: ${name}`, () => {
    it("round-trips frames from 0 bytes to the largest size, intact and in order", () =>
      withTransports(async (setup, make) => {
        const sizes = [0, 1, 7, 1024, 65_535, 65_536 + 3, 1024 * 1024, setup.maxFrameBytes ?? 40 * 1024 * 1024];
        const channel = await planChannel(setup, "a/out", ["b"]);
        const publisher = await make().publish(channel);
        const recorder = await record(make(), channel, "b");
        for (const [i, size] of sizes.entries()) await publisher.send([patterned(size, i)]);
        await recorder.received(sizes.length, 60_000);
        expect(recorder.frames.map((f) => f.byteLength)).toEqual(sizes);
        for (const [i, frame] of recorder.frames.entries()) expect(Buffer.from(frame).equals(Buffer.from(patterned(sizes[i]!, i)))).toBe(true);
      }));

    it("sends a frame given as several chunks as one frame", () =>
      withTransports(async (setup, make) => {
        const channel = await planChannel(setup, "a/out", ["b"]);
        const publisher = await make().publish(channel);
        const recorder = await record(make(), channel, "b");
        await publisher.send([Uint8Array.of(1, 2), new Uint8Array(0), Uint8Array.of(3)]);
        await recorder.received(1);
        expect([...recorder.frames[0]!]).toEqual([1, 2, 3]);
      }));

    it("keeps order over 10,000 frames", () =>
      withTransports(async (setup, make) => {
        const channel = await planChannel(setup, "a/out", ["b"]);
        const publisher = await make().publish(channel);
        const recorder = await record(make(), channel, "b");
        for (let i = 0; i < 10_000; i++) {
          const frame = new Uint8Array(8);
          new DataView(frame.buffer).setUint32(0, i, true);
          await publisher.send([frame]);
        }
        await recorder.received(10_000);
        const order = recorder.frames.map((f) => new DataView(f.buffer, f.byteOffset, f.byteLength).getUint32(0, true));
        expect(order).toEqual(Array.from({ length: 10_000 }, (_, i) => i));
      }));

    it("fans out every frame to 3 subscribers", () =>
      withTransports(async (setup, make) => {
        const channel = await planChannel(setup, "a/out", ["b", "c", "d"]);
        const publisher = await make().publish(channel);
        const recorders = await Promise.all(["b", "c", "d"].map((id) => record(make(), channel, id)));
        expect(publisher.subscriberCount).toBe(3);
        for (let i = 0; i < 100; i++) await publisher.send([patterned(100 + i, i)]);
        await Promise.all(recorders.map((r) => r.received(100)));
        for (const r of recorders) expect(r.frames.map((f) => f.byteLength)).toEqual(Array.from({ length: 100 }, (_, i) => 100 + i));
      }));

    it("lets a subscriber wait for a publisher that starts later", () =>
      withTransports(async (setup, make) => {
        const channel = await planChannel(setup, "a/out", ["b"]);
        const subscribing = record(make(), channel, "b");
        await new Promise((resolve) => setTimeout(resolve, 50));
        const publisher = await make().publish(channel);
        const recorder = await subscribing;
        await publisher.send([Uint8Array.of(42)]);
        await recorder.received(1);
        expect([...recorder.frames[0]!]).toEqual([42]);
      }));

    it("ends subscribers after every frame when the publisher closes (closed resolves, status connected then ended), and refuses sends after close", () =>
      withTransports(async (setup, make) => {
        const channel = await planChannel(setup, "a/out", ["b"]);
        const publisher = await make().publish(channel);
        const recorder = await record(make(), channel, "b");
        for (let i = 0; i < 50; i++) await publisher.send([patterned(1000, i)]);
        await publisher.close();
        await recorder.ended();
        expect(recorder.frames).toHaveLength(50);
        expect(recorder.closed).toEqual({ reason: "end" });
        expect(recorder.statuses).toEqual(["connected", "ended"]);
        expect(() => publisher.send([Uint8Array.of(1)])).toThrow(expect.objectContaining({ name: "ClosedError" }));
        await publisher.close();
      }));

    it("aborts a subscription that is still waiting for its publisher", () =>
      withTransports(async (setup, make) => {
        const channel = await planChannel(setup, "a/out", ["b"]);
        const controller = new AbortController();
        const subscribing = record(make(), channel, "b", { signal: controller.signal });
        setTimeout(() => controller.abort(), 30);
        await expect(subscribing).rejects.toMatchObject({ name: "AbortError" });
      }));

    it("declares the capabilities the suite runs with, and its publishers agree with them", () =>
      withTransports(async (setup, make) => {
        expect(capabilitiesOf(setup.plugin)).toEqual(capabilities);
        const publisher = await make().publish(await planChannel(setup, "a/out", ["b"]));
        expect(publisher.preludes === true).toBe(capabilities.preludes);
        expect(publisher.waitingFor !== undefined).toBe(capabilities.knowsSubscribers);
        expect(typeof publisher.loan === "function").toBe(capabilities.zeroCopy);
      }));

    queuePolicyCases(withTransports, capabilities);
    creditCases(withTransports, capabilities);
    preludeCases(withTransports, capabilities);
    lifecycleCases(withTransports, capabilities);
    lendingCases(withTransports, capabilities);
    brokerRestartCases(withTransports, hooks.restartBroker);

    it("leaves no handles open and no registered file behind after close", async () => {
      const before = openHandles();
      await withTransports(async (setup, make) => {
        const channel = await planChannel(setup, "a/out", ["b"]);
        const publisher = await make().publish(channel);
        const recorder = await record(make(), channel, "b");
        await publisher.send([Uint8Array.of(1)]);
        await recorder.received(1);
        await Promise.all([publisher.close(), recorder.subscription.close()]);
        // What the plan registered for cleanup, the publisher's close already removed.
        expect((setup.registered ?? []).filter((path) => existsSync(path))).toEqual([]);
      });
      // Closed handles leave the list on a later turn of the event loop.
      await until(() => JSON.stringify(openHandles()) === JSON.stringify(before), "handles to close").catch(() => {});
      expect(openHandles()).toEqual(before);
    });
  });
}
