import { describe, expect, it } from "vitest";
import { BoundedQueue } from "../src/bounded-queue.js";

// The edges the FIFO test leaves open (found by mutation testing): empty, not yet full,
// wrap-around, clear, and capacities that are not positive integers.
describe("BoundedQueue edges", () => {
  it("is empty and not full when new: length 0, peek and shift give undefined", () => {
    const queue = new BoundedQueue<number>(2);
    expect(queue.length).toBe(0);
    expect(queue.isFull).toBe(false);
    expect(queue.peek()).toBeUndefined();
    expect(queue.shift()).toBeUndefined();
    expect(queue.length).toBe(0);
    expect(queue.toArray()).toEqual([]);
    expect(queue.drops).toBe(0);
  });

  it("counts its length up to capacity and is full only there, without drops", () => {
    const queue = new BoundedQueue<number>(3);
    queue.push(1);
    expect([queue.length, queue.isFull]).toEqual([1, false]);
    queue.push(2);
    expect([queue.length, queue.isFull]).toEqual([2, false]);
    expect(queue.push(3)).toBeUndefined();
    expect([queue.length, queue.isFull, queue.drops]).toEqual([3, true, 0]);
    queue.push(4);
    expect([queue.length, queue.drops]).toEqual([3, 1]);
  });

  it("peeks the oldest without removing it, also after wrapping around the ring", () => {
    const queue = new BoundedQueue<number>(2);
    for (let i = 1; i <= 5; i++) {
      queue.push(i);
      expect(queue.peek()).toBe(Math.max(1, i - 1));
    }
    expect(queue.length).toBe(2);
    expect(queue.shift()).toBe(4);
    expect(queue.peek()).toBe(5);
    expect(queue.shift()).toBe(5);
    expect(queue.shift()).toBeUndefined();
    queue.push(6);
    expect(queue.toArray()).toEqual([6]);
  });

  it("clear removes everything and the queue is reusable, keeping its drop count", () => {
    const queue = new BoundedQueue<string>(2);
    queue.push("a");
    queue.push("b");
    queue.push("c");
    queue.clear();
    expect([queue.length, queue.isFull, queue.peek(), queue.drops]).toEqual([0, false, undefined, 1]);
    queue.push("d");
    expect(queue.toArray()).toEqual(["d"]);
  });

  it.each([0, -1, 1.5, Number.NaN])("rejects a capacity of %s with QueueCapacityError", (capacity) => {
    expect(() => new BoundedQueue(capacity)).toThrow(expect.objectContaining({ name: "QueueCapacityError", capacity }));
  });

  it("accepts a capacity of 1", () => {
    expect(new BoundedQueue(1).capacity).toBe(1);
  });
});
