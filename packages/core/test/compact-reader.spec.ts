import { Dictionary, Int32, Utf8, makeData, makeVector, vectorFromArray } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { concat } from "./arrow-bytes.js";
import { encodeValue } from "../src/arrow-codec.js";
import { COMPACT_BY_ID, COMPACT_HEAD_BYTES, COMPACT_TAG } from "../src/compact-layout.js";
import { compactTypeId, decodeCompact } from "../src/compact-reader.js";
import { align8 } from "../src/frame-codec.js";
import { TypeDescriptorCache } from "../src/type-cache.js";

/** A compact payload of `value` as one buffer, with the positions of its head's parts. */
function payloadOf(value: Parameters<typeof encodeValue>[0]) {
  const bytes = concat(encodeValue(value).chunks).slice();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const descriptorBytes = view.getUint16(2, true);
  const nodeCount = view.getUint32(4, true);
  const bufferCount = view.getUint32(8, true);
  const nodesAt = COMPACT_HEAD_BYTES + align8(descriptorBytes);
  const lengthsAt = nodesAt + nodeCount * 8;
  const buffersAt = lengthsAt + align8(bufferCount * 4);
  /** Where buffer `i` starts. */
  const bufferAt = (i: number): number => {
    let at = buffersAt;
    for (let k = 0; k < i; k++) at += align8(view.getUint32(lengthsAt + k * 4, true));
    return at;
  };
  return { bytes, view, nodeCount, bufferCount, nodesAt, lengthsAt, buffersAt, bufferAt };
}

const decode = (bytes: Uint8Array) => decodeCompact(bytes, new TypeDescriptorCache());
const refusal = (message: string | RegExp, offset?: number) => expect.objectContaining({ name: "FrameDecodeError", message: typeof message === "string" ? message : expect.stringMatching(message), ...(offset === undefined ? {} : { offset }) });

describe("decodeCompact refuses corrupt payloads, naming what and where", () => {
  it("a head too short, a wrong tag, unknown flags, a by-id head whose id field is not 4 bytes", () => {
    const { bytes } = payloadOf([1.5]);
    expect(() => decode(bytes.subarray(0, COMPACT_HEAD_BYTES - 1))).toThrow(refusal("compact payload is shorter than its head", 0));
    // A head alone is long enough to read; its empty descriptor is what is refused then.
    expect(() => decode(Uint8Array.of(COMPACT_TAG, ...new Uint8Array(COMPACT_HEAD_BYTES - 1)))).toThrow(refusal("compact type descriptor ends early", 0));
    const tagged = bytes.slice();
    tagged[0] = 7;
    expect(() => decode(tagged)).toThrow(refusal(`compact payload tag is 7, expected ${COMPACT_TAG}`, 0));
    const flagged = bytes.slice();
    flagged[1] = 0x02;
    expect(() => decode(flagged)).toThrow(refusal("compact payload has unknown flags 2", 1));
    const byId = bytes.slice();
    byId[1] = COMPACT_BY_ID;
    expect(() => decode(byId)).toThrow(refusal(/^compact payload by type id has a \d+-byte id field, expected 4$/, 2));
  });

  it("node and buffer counts that do not match the type, and a head that runs past the payload", () => {
    const p = payloadOf([1.5, 2.5]);
    const more = p.bytes.slice();
    new DataView(more.buffer).setUint32(4, p.nodeCount + 1, true);
    // One more node shifts the buffer lengths: the first buffer now claims more than is there.
    expect(() => decode(more)).toThrow(refusal("compact buffers run past the end of the payload"));
    const noBuffers = p.bytes.slice();
    new DataView(noBuffers.buffer).setUint32(8, 0, true);
    expect(() => decode(noBuffers)).toThrow(refusal("compact payload has fewer buffers than its type needs", 8));
    const huge = p.bytes.slice();
    new DataView(huge.buffer).setUint32(4, 1_000_000, true);
    expect(() => decode(huge)).toThrow(refusal("compact payload head runs past the end of the payload", 4));
    const extraBuffer = p.bytes.slice();
    new DataView(extraBuffer.buffer).setUint32(8, p.bufferCount + 1, true);
    expect(() => decode(extraBuffer)).toThrow(refusal("compact buffers run past the end of the payload"));
  });

  it("a node with more nulls than values, a buffer shorter than its node needs, buffers past the end", () => {
    const p = payloadOf([1.5, 2.5]);
    const nulls = p.bytes.slice();
    new DataView(nulls.buffer).setUint32(p.nodesAt + 4, 3, true);
    expect(() => decode(nulls)).toThrow(refusal("compact node has more nulls than values", p.nodesAt));
    const short = p.bytes.slice();
    const values = p.bufferCount - 1; // validity first, then the values
    new DataView(short.buffer).setUint32(p.lengthsAt + values * 4, 8, true);
    expect(() => decode(short)).toThrow(refusal("compact buffer of 8 bytes is shorter than the 16 its node needs", p.bufferAt(values)));
    const past = p.bytes.slice();
    new DataView(past.buffer).setUint32(p.lengthsAt + values * 4, 1 << 20, true);
    expect(() => decode(past)).toThrow(refusal("compact buffers run past the end of the payload", p.bufferAt(values)));
  });

  it("string offsets below zero, decreasing, or past their values", () => {
    const p = payloadOf(["ab", "cd", "ef"]);
    // Buffers of a Utf8 node: validity, offsets, values.
    const offsetsAt = p.bufferAt(1);
    const set = (index: number, value: number) => {
      const bytes = p.bytes.slice();
      new DataView(bytes.buffer).setInt32(offsetsAt + index * 4, value, true);
      return bytes;
    };
    expect(() => decode(set(0, -1))).toThrow(refusal("compact offsets start below zero", offsetsAt));
    expect(() => decode(set(2, 1))).toThrow(refusal("compact offsets decrease", offsetsAt));
    expect(() => decode(set(3, 3))).toThrow(refusal("compact offsets decrease", offsetsAt)); // the last pair is checked too
    expect(() => decode(set(3, 7))).toThrow(refusal("compact offsets run past their values", offsetsAt));
    expect(decode(set(3, 6)).length).toBe(3);
  });

  it("list offsets past the child, a struct child shorter than the struct", () => {
    const lists = payloadOf([[1, 2], [3]]);
    // Nodes: the list, then its Float64 child; the list's buffers: validity, offsets.
    const listOffsetsAt = lists.bufferAt(1);
    const bad = lists.bytes.slice();
    new DataView(bad.buffer).setInt32(listOffsetsAt + 2 * 4, 4, true);
    expect(() => decode(bad)).toThrow(refusal("compact list offsets run past the child array"));
    const structs = payloadOf([{ a: 1 }, { a: 2 }]);
    const shortChild = structs.bytes.slice();
    new DataView(shortChild.buffer).setUint32(structs.nodesAt + 8, 1, true); // the child node's length
    expect(() => decode(shortChild)).toThrow(refusal("compact struct child is shorter than the struct"));
  });

  it("dictionary indices out of range, unless the slot is null", () => {
    const dictionary = vectorFromArray(["x", "y"], new Utf8());
    const type = new Dictionary(new Utf8(), new Int32());
    const encode = (indices: number[], nullBitmap?: Uint8Array) =>
      concat(encodeValue(makeVector(makeData({ type, length: indices.length, nullCount: nullBitmap ? 1 : 0, nullBitmap, data: Int32Array.from(indices), dictionary }))).chunks).slice();
    expect(decode(encode([1, 0])).length).toBe(2);
    expect(() => decode(encode([2, 0]))).toThrow(refusal("compact dictionary index out of range"));
    expect(() => decode(encode([0, -1]))).toThrow(refusal("compact dictionary index out of range"));
    expect(decode(encode([0, 9], Uint8Array.of(0b01))).nullCount).toBe(1);
  });
});

describe("compactTypeId", () => {
  it("is the id of a payload that names its type by id, and undefined for any other head", () => {
    const head = new Uint8Array(COMPACT_HEAD_BYTES + 8);
    head.set([COMPACT_TAG, COMPACT_BY_ID, 4, 0]);
    new DataView(head.buffer).setUint32(COMPACT_HEAD_BYTES, 0x01020304, true);
    expect(compactTypeId(head)).toBe(0x01020304);
    expect(compactTypeId(head.subarray(0, COMPACT_HEAD_BYTES + 4))).toBe(0x01020304);
    expect(compactTypeId(head.subarray(0, COMPACT_HEAD_BYTES + 3))).toBeUndefined();
    for (const [at, value] of [[0, 1], [1, 0], [2, 5], [3, 1]] as const) {
      const other = head.slice();
      other[at] = value;
      expect(compactTypeId(other)).toBeUndefined();
    }
  });
});
