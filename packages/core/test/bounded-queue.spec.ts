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
});
