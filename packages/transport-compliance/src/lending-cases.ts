import { expect, it } from "vitest";
import type { FrameLoan, Publisher, TransportCapabilities } from "@rivulet/core";
import { patterned, planChannel, record } from "./harness.js";
import type { WithTransports } from "./queue-policy-cases.js";

/**
 * Bytes of the frames the lending cases send: a transport that claims `zeroCopy` must lend and
 * deliver frames of this size in its own memory (with its options in the setup) while it has
 * room free. The cases send the next frame once the last one was received (and released), so
 * a ring of a few slots has room.
 */
export const LENDING_FRAME_BYTES = 256 * 1024;

/** More frames than any ring the suite's transports are set up with: proof that memory given back is used again. */
const MANY = 50;

/** A loan of LENDING_FRAME_BYTES, which a zero-copy publisher with room free must grant. */
function loan(publisher: Publisher): FrameLoan {
  const granted = publisher.loan?.(LENDING_FRAME_BYTES);
  if (!granted) throw new Error(`a publisher that claims zeroCopy lent nothing for a ${LENDING_FRAME_BYTES}-byte frame with its memory free`);
  expect(granted.bytes.byteLength).toBe(LENDING_FRAME_BYTES);
  return granted;
}

/**
 * Lending and release (zero copy, for transports that claim `zeroCopy`): a frame written in
 * place through `loan()` arrives intact; `abandon()` gives the memory back and a second
 * `commit()` is refused; frames come with a lease, memory released by the subscriber (or by a
 * subscriber that left) is used again, and a frame whose lease is kept never sees its bytes
 * change, however many frames follow.
 */
export function lendingCases(withTransports: WithTransports, capabilities: TransportCapabilities): void {
  it.skipIf(!capabilities.zeroCopy)("lending: frames written in place through loan() arrive intact and leased; abandon() gives the memory back; a second commit() is refused", () =>
    withTransports(async (setup, make) => {
      const channel = await planChannel(setup, "a/out", ["b"]);
      const publisher = await make().publish(channel);
      const recorder = await record(make(), channel, "b", { release: true });
      for (let i = 0; i < MANY; i++) loan(publisher).abandon();
      for (let i = 0; i < MANY; i++) {
        const lent = loan(publisher);
        lent.bytes.set(patterned(LENDING_FRAME_BYTES, i));
        await lent.commit();
        if (i === 0) expect(() => lent.commit()).toThrow();
        lent.abandon(); // a no-op after commit
        await recorder.received(i + 1); // and released: the next loan may reuse its memory
      }
      expect(recorder.leased).toBe(MANY);
      for (const [i, frame] of recorder.frames.entries()) expect(Buffer.from(frame).equals(Buffer.from(patterned(LENDING_FRAME_BYTES, i)))).toBe(true);
      await publisher.close();
      expect(publisher.loan?.(LENDING_FRAME_BYTES)).toBeUndefined();
    }));

  it.skipIf(!capabilities.zeroCopy)("release: memory a subscriber released is used again, and a frame whose lease is kept never changes while many frames follow", () =>
    withTransports(async (setup, make) => {
      const channel = await planChannel(setup, "a/out", ["b", "c"]);
      const publisher = await make().publish(channel);
      const keeper = await record(make(), channel, "b");
      const releaser = await record(make(), channel, "c", { release: true });
      for (let i = 0; i < MANY; i++) await publisher.send([patterned(LENDING_FRAME_BYTES, i)]);
      await Promise.all([keeper.received(MANY), releaser.received(MANY)]);
      // Every frame of the keeper is intact, leased or not (memory it holds is never reused).
      for (const [i, frame] of keeper.frames.entries()) expect(Buffer.from(frame).equals(Buffer.from(patterned(LENDING_FRAME_BYTES, i))), `frame ${i} of the keeper`).toBe(true);
      expect(releaser.leased).toBeGreaterThan(0);
      // Once the keeper lets go, frames are lent again, to both.
      for (const lease of keeper.leases.splice(0)) lease.release();
      const before = releaser.leased;
      const keeperBefore = keeper.leased;
      for (let i = MANY; i < 2 * MANY; i++) {
        await publisher.send([patterned(LENDING_FRAME_BYTES, i)]);
        await Promise.all([keeper.received(i + 1), releaser.received(i + 1)]);
        for (const lease of keeper.leases.splice(0)) lease.release();
      }
      expect(releaser.leased - before).toBe(MANY);
      expect(keeper.leased - keeperBefore).toBe(MANY);
    }));

  it.skipIf(!capabilities.zeroCopy)("release: a subscriber that leaves gives back the memory of frames it still held", () =>
    withTransports(async (setup, make) => {
      const channel = await planChannel(setup, "a/out", ["b", "c"]);
      const publisher = await make().publish(channel);
      const leaving = make();
      const holder = await record(leaving, channel, "b");
      const other = await record(make(), channel, "c", { release: true });
      for (let i = 0; i < MANY; i++) await publisher.send([patterned(LENDING_FRAME_BYTES, i)]);
      await Promise.all([holder.received(MANY), other.received(MANY)]);
      await leaving.close();
      await expect.poll(() => publisher.subscriberCount, { timeout: 10_000 }).toBe(1);
      const before = other.leased;
      for (let i = 0; i < MANY; i++) {
        await publisher.send([patterned(LENDING_FRAME_BYTES, MANY + i)]);
        await other.received(MANY + i + 1);
      }
      expect(other.leased - before).toBe(MANY);
    }));
}
