import { describe, expect, it } from "vitest";
import { SequencedInbox } from "../src/index.js";

const frame = (n: number): Uint8Array => Uint8Array.of(n);

function inbox(queueSize = 10): { inbox: SequencedInbox; got: number[]; ends: (Error | undefined)[] } {
  const got: number[] = [];
  const ends: (Error | undefined)[] = [];
  return { inbox: new SequencedInbox(queueSize, (f) => got.push(f[0]!), (error) => ends.push(error)), got, ends };
}

describe("SequencedInbox", () => {
  it("delivers numbered frames in order, skips old numbers and counts the missing ones as drops", () => {
    const { inbox: box, got } = inbox();
    box.startAt(5);
    box.take(4, frame(4)); // sent before this subscriber
    box.take(5, frame(5));
    box.take(5, frame(5)); // a redelivery
    box.take(8, frame(8)); // 6 and 7 lost
    box.skipTo(10); // a heartbeat: 9 lost too
    box.take(10, frame(10));
    expect(got).toEqual([5, 8, 10]);
    expect(box.drops).toBe(3);
    expect(box.next).toBe(11);
  });

  it("holds while paused, and reports the end once, after the held frames, counting frames that never came", () => {
    const { inbox: box, got, ends } = inbox();
    box.take(0, frame(0));
    box.pause();
    box.take(1, frame(1));
    box.take(2, frame(2));
    box.end(undefined, 5);
    box.end(new Error("late"));
    expect(got).toEqual([0]);
    expect(ends).toEqual([]);
    expect(box.ended).toBe(true);
    box.resume();
    expect(got).toEqual([0, 1, 2]);
    expect(ends).toEqual([undefined]);
    expect(box.drops).toBe(2);
  });

  it("keeps the newest queue_size frames of a long pause (HeldFrames), and stops at once when closed", () => {
    const { inbox: box, got, ends } = inbox(2);
    box.pause();
    const big = new Uint8Array(64 * 1024); // fills the held prefix: what follows is the ring
    box.take(0, big);
    for (let n = 1; n <= 6; n++) box.take(n, frame(n));
    expect(box.drops).toBe(4);
    box.close();
    box.end(undefined);
    box.resume();
    expect(got).toEqual([]);
    expect(ends).toEqual([]);
  });
});
