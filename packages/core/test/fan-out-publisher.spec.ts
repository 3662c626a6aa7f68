import { afterEach, describe, expect, it, vi } from "vitest";
import { FanOutPublisher, type FanOutEntry, type SubscriberPolicy } from "../src/index.js";

interface Entry extends FanOutEntry<Entry> {
  seq: number;
}

/** A connection in memory: what was written, whether it takes more, whether it ended. */
class Connection {
  readonly written: number[] = [];
  open = true;
  ended = false;
  constructor(readonly room: number) {}
}

/** The smallest transport: frames are their first byte, connections arrays. */
class MemoryPublisher extends FanOutPublisher<Entry, Connection> {
  shutdowns = 0;
  /** Bytes each connection reports as written but not yet gone. */
  pending = 0;
  get isClosing(): boolean {
    return this.closing;
  }
  constructor() {
    super("a/out", 50);
  }
  join(id: string, connection: Connection, policy: SubscriberPolicy): void {
    this.attach(id, connection, policy);
  }
  leave(connection: Connection): void {
    this.detach(connection);
  }
  read(connection: Connection, room: number): void {
    (connection as { room: number }).room = room;
    this.drained(connection);
  }
  credit(connection: Connection, count: number): void {
    this.grant(connection, count);
  }
  protected encode(chunks: readonly Uint8Array[]): Entry {
    return { seq: chunks[0]![0]!, bytes: 1 };
  }
  protected write(connection: Connection, entry: Entry): void {
    connection.written.push(entry.seq);
  }
  protected writable(connection: Connection): boolean {
    return connection.open && connection.written.length < connection.room;
  }
  protected pendingBytes(): number {
    return this.pending;
  }
  protected async end(connection: Connection): Promise<void> {
    connection.ended = true;
  }
  protected async shutdown(): Promise<void> {
    this.shutdowns++;
  }
}

const frame = (seq: number): Uint8Array[] => [Uint8Array.of(seq)];

describe("FanOutPublisher", () => {
  afterEach(() => vi.useRealTimers());

  it("offers every frame to every subscriber under its own policy, and names the ones a send waits for", async () => {
    const publisher = new MemoryPublisher();
    expect(publisher.send(frame(0))).toBeUndefined(); // nobody to send to
    const fast = new Connection(100);
    const slow = new Connection(2);
    publisher.join("fast", fast, { queueSize: 3, flowControl: false });
    publisher.join("slow", slow, { queueSize: 1, flowControl: true });
    expect(publisher.subscriberCount).toBe(2);
    // The slow subscriber's connection takes 2 frames: a send soon waits for it (flow control), never for the fast one.
    let sent = 0;
    let wait: Promise<void> | undefined;
    while (!wait && sent < 10) wait = publisher.send(frame(++sent));
    expect(wait).toBeInstanceOf(Promise);
    expect(sent).toBeLessThanOrEqual(3);
    expect(publisher.waitingFor).toEqual(["slow"]);
    publisher.read(slow, 100);
    await wait;
    expect(publisher.waitingFor).toEqual([]);
    const all = Array.from({ length: sent }, (_, i) => i + 1);
    expect(fast.written).toEqual(all);
    expect(slow.written).toEqual(all);
    expect(publisher.drops).toBe(0);
  });

  it("writes a prelude once per subscriber and key, right before the first frame needing it, late joiners too", () => {
    const publisher = new MemoryPublisher();
    const first = new Connection(100);
    publisher.join("b", first, { queueSize: 10, flowControl: false });
    const prelude = { key: "T", chunks: frame(200) };
    publisher.send(frame(1), { prelude });
    publisher.send(frame(2), { prelude });
    const late = new Connection(100);
    publisher.join("c", late, { queueSize: 10, flowControl: false });
    publisher.send(frame(3), { prelude });
    expect(first.written).toEqual([200, 1, 2, 3]);
    expect(late.written).toEqual([200, 3]);
  });

  it("keeps the drops of a subscriber that left, ends the others at close, once, and refuses sends after it", async () => {
    const publisher = new MemoryPublisher();
    const stuck = new Connection(0);
    const other = new Connection(100);
    publisher.join("stuck", stuck, { queueSize: 1, flowControl: false });
    publisher.join("other", other, { queueSize: 1, flowControl: false });
    // A drop_oldest subscriber that takes nothing: once stalled (50 ms, fake time) it loses its oldest frames.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    let wait: Promise<void> | undefined;
    for (let i = 0; !wait; i++) wait = publisher.send(frame(i));
    await vi.advanceTimersByTimeAsync(50);
    for (let i = 0; i < 2; i++) await new Promise((resolve) => setImmediate(resolve)); // the turns that confirm the stall
    await wait;
    for (let i = 10; i < 15; i++) expect(publisher.send(frame(i))).toBeUndefined();
    const drops = publisher.drops;
    expect(drops).toBeGreaterThan(0);
    publisher.leave(stuck);
    expect(publisher.subscriberCount).toBe(1);
    expect(publisher.drops).toBe(drops);
    const closing = publisher.close();
    expect(publisher.close()).toBe(closing);
    await closing;
    expect(other.ended).toBe(true);
    expect(stuck.ended).toBe(false);
    expect(publisher.shutdowns).toBe(1);
    expect(publisher.subscriberCount).toBe(0);
    expect(publisher.drops).toBe(drops);
    expect(() => publisher.send(frame(9))).toThrow(expect.objectContaining({ name: "ClosedError", message: "channel 'a/out' is closed" }));
  });

  it("counts buffered bytes (queued and pending on the connection), says it delivers preludes, and knows when it is closing", async () => {
    const publisher = new MemoryPublisher();
    expect(publisher.preludes).toBe(true);
    expect(publisher.isClosing).toBe(false);
    const full = new Connection(0);
    publisher.pending = 7;
    publisher.join("b", full, { queueSize: 5, flowControl: false });
    publisher.send(frame(1));
    publisher.send(frame(2));
    expect(publisher.bufferedBytes).toBe(2 * 1 + 7);
    publisher.leave(new Connection(1)); // not a subscriber: nothing happens
    publisher.read(new Connection(1), 5);
    publisher.credit(new Connection(1), 1);
    expect(publisher.subscriberCount).toBe(1);
    const closing = publisher.close();
    expect(publisher.isClosing).toBe(true);
    await closing;
    expect(full.written).toEqual([1, 2]); // a clean close flushes the queue regardless of room
  });

  it("a send that waits for two subscribers resolves when both have room", async () => {
    const publisher = new MemoryPublisher();
    const [b, c] = [new Connection(0), new Connection(0)];
    publisher.join("b", b, { queueSize: 1, flowControl: true });
    publisher.join("c", c, { queueSize: 1, flowControl: true });
    let wait: Promise<void> | undefined;
    for (let i = 0; !wait; i++) wait = publisher.send(frame(i));
    let done = false;
    void wait.then(() => (done = true));
    publisher.read(b, 100);
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false);
    expect(publisher.waitingFor).toEqual(["c"]);
    publisher.read(c, 100);
    await wait;
    expect(b.written).toEqual(c.written);
  });

  it("with credits, keeps at most the granted frames outstanding until the subscriber returns some", async () => {
    const publisher = new MemoryPublisher();
    const connection = new Connection(100);
    publisher.join("b", connection, { queueSize: 2, flowControl: true, credits: 2 });
    publisher.send(frame(1));
    const wait = publisher.send(frame(2));
    const third = publisher.send(frame(3));
    expect(connection.written).toEqual([1, 2]);
    expect(wait ?? third).toBeInstanceOf(Promise);
    publisher.credit(connection, 2);
    await third;
    expect(connection.written).toEqual([1, 2, 3]);
  });
});
