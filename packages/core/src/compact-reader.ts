import { type Data, type DataType, type Dictionary, type FixedSizeList, type Struct, Type, makeVector } from "apache-arrow";
import { newData } from "./arrow-data.js";
import { COMPACT_BY_ID, COMPACT_HEAD_BYTES, COMPACT_TAG, type ViewConstructor } from "./compact-layout.js";
import { FrameDecodeError, UnknownTypeIdError } from "./errors.js";
import { align8 } from "./frame-codec.js";
import type { TypeDescriptorCache } from "./type-cache.js";

/**
 * Reading the compact layout (compact-layout.ts, docs/payload-format.md) back into Arrow data,
 * checking every count, length and offset against the type and the bytes on the way, so that a
 * damaged payload is a FrameDecodeError here and not a wrong read later.
 */

function u32(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16)) + bytes[at + 3]! * 0x1000000;
}

/** Walks a received payload in pre-order: nodes, buffers and their bounds. */
class CompactReader {
  node = 0;
  buffer = 0;
  /** Where the next buffer starts; after `nextBuffer`, `bufferAt` and `bufferBytes` describe it. */
  at: number;
  bufferAt = 0;
  bufferBytes = 0;

  constructor(
    private readonly payload: Uint8Array,
    private readonly nodesAt: number,
    readonly nodeCount: number,
    private readonly lengthsAt: number,
    readonly bufferCount: number,
    buffersAt: number,
  ) {
    this.at = buffersAt;
  }

  /** Moves to the next buffer, which must hold at least `minBytes`. */
  nextBuffer(minBytes: number): void {
    if (this.buffer >= this.bufferCount) throw new FrameDecodeError("compact payload has fewer buffers than its type needs", 8);
    const byteLength = u32(this.payload, this.lengthsAt + this.buffer++ * 4);
    if (byteLength < minBytes) throw new FrameDecodeError(`compact buffer of ${byteLength} bytes is shorter than the ${minBytes} its node needs`, this.at);
    if (this.at + byteLength > this.payload.byteLength) throw new FrameDecodeError("compact buffers run past the end of the payload", this.at);
    this.bufferAt = this.at;
    this.bufferBytes = byteLength;
    this.at += align8(byteLength);
  }

  /** The next buffer as `count` elements of `ctor`: a view when aligned, else a copy. */
  view<T extends ArrayBufferView>(ctor: ViewConstructor, count: number): T {
    this.nextBuffer(count * ctor.BYTES_PER_ELEMENT);
    const start = this.payload.byteOffset + this.bufferAt;
    if (start % ctor.BYTES_PER_ELEMENT === 0) return new ctor(this.payload.buffer, start, count) as T;
    const copy = new ctor(count);
    new Uint8Array(copy.buffer).set(this.payload.subarray(this.bufferAt, this.bufferAt + count * ctor.BYTES_PER_ELEMENT));
    return copy as T;
  }

  /** The byte length of the buffer `ahead` places after the next one (0 past the last). */
  lengthAhead(ahead: number): number {
    const index = this.buffer + ahead;
    return index < this.bufferCount ? u32(this.payload, this.lengthsAt + index * 4) : 0;
  }

  bytes(minBytes: number): Uint8Array {
    this.nextBuffer(minBytes);
    return this.payload.subarray(this.bufferAt, this.bufferAt + this.bufferBytes);
  }

  validity(length: number, nullCount: number): Uint8Array | undefined {
    if (nullCount === 0) {
      this.nextBuffer(0);
      return undefined;
    }
    return this.bytes((length + 7) >> 3);
  }

  /** Offsets of `length` rows, checked to rise from >= 0 to at most `limit` (when known). */
  offsets(length: number, limit?: number): Int32Array {
    if (length === 0) {
      this.nextBuffer(0);
      return new Int32Array(1);
    }
    const offsets = this.view<Int32Array>(Int32Array, length + 1);
    if (offsets[0]! < 0) throw new FrameDecodeError("compact offsets start below zero", this.bufferAt);
    for (let i = 0; i < length; i++) if (offsets[i + 1]! < offsets[i]!) throw new FrameDecodeError("compact offsets decrease", this.bufferAt);
    if (limit !== undefined && offsets[length]! > limit) throw new FrameDecodeError("compact offsets run past their values", this.bufferAt);
    return offsets;
  }

  data(type: DataType): Data {
    if (this.node >= this.nodeCount) throw new FrameDecodeError("compact payload has fewer nodes than its type needs", 4);
    const nodeAt = this.nodesAt + this.node++ * 8;
    const length = u32(this.payload, nodeAt);
    const nullCount = u32(this.payload, nodeAt + 4);
    if (nullCount > length) throw new FrameDecodeError("compact node has more nulls than values", nodeAt);
    if (type.typeId === Type.Null) return newData(type, length, length, undefined);
    const nullBitmap = this.validity(length, nullCount);
    switch (type.typeId) {
      case Type.Bool:
        return newData(type, length, nullCount, nullBitmap, this.bytes((length + 7) >> 3));
      case Type.Utf8:
      case Type.Binary: {
        // Offsets come first on the wire but are checked against the values buffer after them.
        const valueOffsets = this.offsets(length, this.lengthAhead(1));
        return newData(type, length, nullCount, nullBitmap, this.bytes(0), valueOffsets);
      }
      case Type.List: {
        const valueOffsets = this.offsets(length);
        const child = this.data(type.children[0]!.type);
        if (valueOffsets[length]! > child.length) throw new FrameDecodeError("compact list offsets run past the child array", this.at);
        return newData(type, length, nullCount, nullBitmap, undefined, valueOffsets, [child]);
      }
      case Type.FixedSizeList: {
        const child = this.data(type.children[0]!.type);
        if (child.length < length * (type as FixedSizeList).listSize) throw new FrameDecodeError("compact fixed-size list child is too short", this.at);
        return newData(type, length, nullCount, nullBitmap, undefined, undefined, [child]);
      }
      case Type.Struct: {
        const fields = (type as Struct).children;
        const children = new Array<Data>(fields.length);
        for (let i = 0; i < fields.length; i++) {
          const child = (children[i] = this.data(fields[i]!.type));
          if (child.length < length) throw new FrameDecodeError("compact struct child is shorter than the struct", this.at);
        }
        return newData(type, length, nullCount, nullBitmap, undefined, undefined, children);
      }
      case Type.Dictionary: {
        const dictionaryType = type as Dictionary;
        const indices = this.view<Int32Array>(dictionaryType.indices.ArrayType as unknown as ViewConstructor, length);
        const dictionary = this.data(dictionaryType.dictionary);
        for (let i = 0; i < length; i++) {
          const valid = !nullBitmap || (nullBitmap[i >> 3]! & (1 << (i & 7))) !== 0;
          const index = Number(indices[i]!);
          if (valid && (index < 0 || index >= dictionary.length)) throw new FrameDecodeError("compact dictionary index out of range", this.at);
        }
        return newData(dictionaryType, length, nullCount, nullBitmap, indices, undefined, [], makeVector(dictionary));
      }
      default:
        return newData(type, length, nullCount, nullBitmap, this.view(type.ArrayType as ViewConstructor, length));
    }
  }
}

/**
 * Rebuilds Arrow data from a compact payload over views of `payload` (copied only where a
 * buffer is not aligned for its element size). The type comes from `types`, or from `byId` when
 * the payload names it by id (flag COMPACT_BY_ID).
 * @throws FrameDecodeError for a wrong tag or flags, a truncated payload, lengths or offsets out
 *   of bounds, a descriptor that does not parse, or node and buffer counts that do not match it;
 *   UnknownTypeIdError (a FrameDecodeError) for an id without `byId` (or from `byId`).
 */
export function decodeCompact(payload: Uint8Array, types: TypeDescriptorCache, byId?: (id: number) => DataType): Data {
  if (payload.byteLength < COMPACT_HEAD_BYTES) throw new FrameDecodeError("compact payload is shorter than its head", 0);
  if (payload[0] !== COMPACT_TAG) throw new FrameDecodeError(`compact payload tag is ${payload[0]}, expected ${COMPACT_TAG}`, 0);
  const flags = payload[1]!;
  if ((flags & ~COMPACT_BY_ID) !== 0) throw new FrameDecodeError(`compact payload has unknown flags ${flags}`, 1);
  const descriptorBytes = payload[2]! | (payload[3]! << 8);
  if (flags === COMPACT_BY_ID && descriptorBytes !== 4) throw new FrameDecodeError(`compact payload by type id has a ${descriptorBytes}-byte id field, expected 4`, 2);
  const nodeCount = u32(payload, 4);
  const bufferCount = u32(payload, 8);
  const nodesAt = COMPACT_HEAD_BYTES + align8(descriptorBytes);
  const lengthsAt = nodesAt + nodeCount * 8;
  const buffersAt = lengthsAt + align8(bufferCount * 4);
  if (buffersAt > payload.byteLength) throw new FrameDecodeError("compact payload head runs past the end of the payload", 4);
  let type: DataType;
  if (flags === COMPACT_BY_ID) {
    const id = u32(payload, COMPACT_HEAD_BYTES);
    if (!byId) throw new UnknownTypeIdError(id);
    type = byId(id);
  } else type = types.typeOf(payload.subarray(COMPACT_HEAD_BYTES, COMPACT_HEAD_BYTES + descriptorBytes));
  const reader = new CompactReader(payload, nodesAt, nodeCount, lengthsAt, bufferCount, buffersAt);
  const data = reader.data(type);
  if (reader.node !== nodeCount || reader.buffer !== bufferCount) throw new FrameDecodeError("compact payload has more nodes or buffers than its type", 4);
  return data;
}

/**
 * The type id a compact payload names (flag COMPACT_BY_ID), or undefined when it carries its
 * descriptor inline or its head is malformed (decodeCompact reports that).
 */
export function compactTypeId(payload: Uint8Array): number | undefined {
  if (payload.byteLength < COMPACT_HEAD_BYTES + 4 || payload[0] !== COMPACT_TAG || payload[1] !== COMPACT_BY_ID || payload[2] !== 4 || payload[3] !== 0) return undefined;
  return u32(payload, COMPACT_HEAD_BYTES);
}
