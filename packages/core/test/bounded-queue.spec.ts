import { describe, expect, it } from "vitest";
import { BoundedQueue } from "../src/bounded-queue.js";

describe("BoundedQueue", () => {
  it("keeps FIFO order and drops the oldest when full, counting drops", () => {
    const queue = new BoundedQueue<number>(3);
    for (let i = 1; i <= 5; i++) queue.push(i);
    expect(queue.drops).toBe(2);
    expect(queue.toArray()).toEqual([3, 4, 5]);
    expect(queue.shift()).toBe(3);
    queue.push(6);
    expect(queue.toArray()).toEqual([4, 5, 6]);
    expect(queue.isFull).toBe(true);
  });

  it("returns the dropped item", () => {
    const queue = new BoundedQueue<string>(1);
    expect(queue.push("a")).toBeUndefined();
    expect(queue.push("b")).toBe("a");
    expect(queue.peek()).toBe("b");
  });

  it("rejects a capacity below 1", () => {
    expect(() => new BoundedQueue(0)).toThrow(expect.objectContaining({ name: "QueueCapacityError", capacity: 0 }));
  });

  it("lets append overrun the capacity until trim drops the oldest beyond it, counting them", () => {
    const queue = new BoundedQueue<number>(3);
    for (let i = 0; i < 20; i++) queue.append(i);
    expect(queue.length).toBe(20);
    expect(queue.drops).toBe(0);
    expect(queue.trim()).toBe(17);
    expect(queue.toArray()).toEqual([17, 18, 19]);
    expect(queue.drops).toBe(17);
    queue.push(20);
    expect(queue.toArray()).toEqual([18, 19, 20]);
  });

  it("hands each item trim drops, oldest first, to onDrop", () => {
    const queue = new BoundedQueue<number>(2);
    for (let i = 0; i < 5; i++) queue.append(i);
    const dropped: number[] = [];
    expect(queue.trim((item) => dropped.push(item))).toBe(3);
    expect(dropped).toEqual([0, 1, 2]);
    expect(queue.trim((item) => dropped.push(item))).toBe(0);
    expect(dropped).toHaveLength(3);
  });

  it("keeps FIFO order across wrap-arounds and growth", () => {
    const queue = new BoundedQueue<number>(5);
    const out: number[] = [];
    let next = 0;
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < (round % 7) + 1; i++) queue.append(next++);
      while (queue.length > round % 3) out.push(queue.shift()!);
    }
    while (queue.length > 0) out.push(queue.shift()!);
    expect(out).toEqual(Array.from({ length: next }, (_, i) => i));
  });
});
