import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_UNREGISTERED_CONTROL_FRAME_BYTES } from "@rivulet/core";
import { ControlFixture, closed, head } from "./control-fixture.js";

const NAMED = ["ControlProtocolError", "RegistrationRefusedError"];

let fixture: ControlFixture;
beforeAll(async () => {
  // Short, so that intruders who stop mid-frame are closed quickly; a real node registers at once.
  fixture = await ControlFixture.start({ registerTimeoutMs: 100 });
});
afterAll(async () => {
  await fixture.close();
});

/** What an intruder may write: random bytes, a valid frame cut short, or a head announcing too much. */
const intrusion = fc.oneof(
  fc.uint8Array({ minLength: 0, maxLength: 4096 }),
  fc.record({ body: fc.string({ maxLength: 200 }), cut: fc.nat() }).map(({ body, cut }) => {
    const bytes = Buffer.from(JSON.stringify({ t: "register", nodeId: "a", token: body, protocolVersion: 1 }));
    const frame = Buffer.concat([head(bytes.length), bytes]);
    return new Uint8Array(frame.subarray(0, cut % (frame.length + 1)));
  }),
  fc.record({ length: fc.integer({ min: MAX_UNREGISTERED_CONTROL_FRAME_BYTES + 1, max: 0xffffffff }), kind: fc.integer({ min: 0, max: 255 }), tail: fc.uint8Array({ maxLength: 1024 }) }).map(
    ({ length, kind, tail }) => new Uint8Array(Buffer.concat([head(length, kind), tail])),
  ),
  fc.array(fc.jsonValue(), { minLength: 1, maxLength: 3 }).map((values) => {
    const frames = values.map((value) => {
      const body = Buffer.from(JSON.stringify(value) ?? "null");
      return Buffer.concat([head(body.length), body]);
    });
    return new Uint8Array(Buffer.concat(frames));
  }),
);

describe("ControlServer under random input (fast-check)", () => {
  it("closes every offending connection with a named error, and keeps serving real nodes", async () => {
    await fc.assert(
      fc.asyncProperty(intrusion, fc.integer({ min: 1, max: 7 }), async (bytes, pieces) => {
        const before = fixture.rejected.length;
        const intruder = await fixture.raw();
        // Written in pieces, so frames also arrive split at random places.
        const size = Math.ceil(bytes.length / pieces) || 1;
        for (let at = 0; at < bytes.length; at += size) intruder.write(bytes.subarray(at, at + size));
        await closed(intruder);
        await fixture.until(() => fixture.rejected.length > before);
        expect(fixture.rejected.slice(before).every((error) => NAMED.includes(error.name))).toBe(true);
      }),
      { numRuns: 150 },
    );
    expect(fixture.registered).toEqual([]);
    const node = await fixture.node("b");
    expect(node.replies).toEqual([{ t: "registered" }]);
  });
});
