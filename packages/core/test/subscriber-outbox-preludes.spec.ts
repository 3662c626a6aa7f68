import { describe, expect, it } from "vitest";
import { SubscriberOutbox } from "../src/subscriber-outbox.js";

/** A frame that may need a prelude (a type definition) named `needs`. */
interface Frame {
  name: string;
  needs?: string;
}

/** A sink with room for `room` frames; the test plays the subscriber. */
function make(init: { flowControl?: boolean; capacity?: number; credits?: number; room?: number } = {}) {
  const written: string[] = [];
  const room = init.room ?? 100;
  const sink = {
    pendingBytes: 0,
    get writable() {
      return sink.pendingBytes < room;
    },
    write(frame: Frame) {
      written.push(frame.name);
      sink.pendingBytes += 1;
    },
  };
  const outbox = new SubscriberOutbox<Frame>({
    sink,
    capacity: init.capacity ?? 3,
    flowControl: init.flowControl ?? false,
    credits: init.credits,
    stallMs: 100,
    sizeOf: () => 10,
    preludeOf: (frame) => (frame.needs ? { key: frame.needs, frame: { name: `def:${frame.needs}` } } : undefined),
  });
  const read = (): void => {
    sink.pendingBytes = 0;
    outbox.drained();
  };
  return { outbox, written, read };
}

describe("SubscriberOutbox preludes", () => {
  it("writes a prelude once, right before the first frame that needs it", () => {
    const { outbox, written } = make();
    outbox.offer({ name: "raw" });
    outbox.offer({ name: "a1", needs: "A" });
    outbox.offer({ name: "a2", needs: "A" });
    outbox.offer({ name: "b1", needs: "B" });
    outbox.offer({ name: "a3", needs: "A" });
    expect(written).toEqual(["raw", "def:A", "a1", "a2", "def:B", "b1", "a3"]);
  });

  it("drop_oldest never drops a prelude: the first surviving frame brings it", () => {
    const { outbox, written, read } = make({ capacity: 2, room: 1 });
    outbox.offer({ name: "raw" }); // fills the sink
    for (let i = 0; i < 5; i++) outbox.offer({ name: `a${i}`, needs: "A" });
    expect(written).toEqual(["raw"]);
    expect(outbox.drops).toBe(3);
    expect(outbox.queuedBytes).toBe(20);
    read();
    read();
    expect(written).toEqual(["raw", "def:A", "a3", "a4"]);
    // Drops count frames only, and the prelude is not written again.
    expect(outbox.drops).toBe(3);
    outbox.offer({ name: "a5", needs: "A" });
    expect(written.filter((name) => name === "def:A")).toHaveLength(1);
  });

  it("charges no credit for a prelude", () => {
    const { outbox, written } = make({ flowControl: true, credits: 2 });
    expect(outbox.offer({ name: "a1", needs: "A" })).toBeUndefined();
    expect(outbox.credits).toBe(1);
    expect(outbox.offer({ name: "b1", needs: "B" })).toBeInstanceOf(Promise);
    expect(outbox.credits).toBe(0);
    expect(written).toEqual(["def:A", "a1", "def:B", "b1"]);
    outbox.offer({ name: "b2", needs: "B" });
    expect(written).toHaveLength(4);
    outbox.grant(1);
    expect(written).toEqual(["def:A", "a1", "def:B", "b1", "b2"]);
  });

  it("writes preludes of frames flushed at a clean close", () => {
    const { outbox, written } = make({ room: 0 });
    outbox.offer({ name: "a1", needs: "A" });
    outbox.close(true);
    expect(written).toEqual(["def:A", "a1"]);
  });
});
