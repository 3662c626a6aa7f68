import { type Data, type DataType, type Dictionary, type FixedSizeList, type Struct, Type, makeVector } from "apache-arrow";
import { newData } from "./arrow-data.js";
import { COMPACT_INLINE_BYTES } from "./constants.js";
import { FrameDecodeError } from "./errors.js";
import { align8 } from "./frame-codec.js";
import type { TypeDescriptorCache } from "./type-cache.js";

/**
 * The compact payload layout (docs/payload-format.md): a 16-byte head, the type descriptor,
 * one (length, null count) pair per array node in pre-order, the byte length of every buffer,
 * then the buffers, each padded to 8 bytes so that the receiver can view them in place.
 *
 * ```
 * 0 u8 tag 0xC2   2 u16 descriptor bytes   8  u32 buffer count   16 descriptor, padding to 8
 * 1 u8 flags (0)  4 u32 node count         12 u32 reserved (0)      nodes: u32 length, u32 null count
 *                                                                   buffer lengths: u32 each, padding to 8
 *                                                                   buffers, each padded to 8
 * ```
 */
export const COMPACT_TAG = 0xc2;
/** Bytes of the fixed head, before the type descriptor. */
export const COMPACT_HEAD_BYTES = 16;
const PADDING = new Uint8Array(8);

/** A payload as chunks to write in order (never concatenated), and their total size. */
export interface CompactChunks {
  chunks: Uint8Array[];
  byteLength: number;
}

function setU32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value;
  bytes[at + 1] = value >>> 8;
  bytes[at + 2] = value >>> 16;
  bytes[at + 3] = value >>> 24;
}

/** The buffers of a payload: where each one's bytes are, and how many of them to send. */
interface Buffers {
  sources: (ArrayBufferView | null | undefined)[];
  lengths: number[];
}

function push(buffers: Buffers, source: ArrayBufferView | null | undefined, byteLength: number): void {
  buffers.sources.push(source);
  buffers.lengths.push(source ? Math.min(byteLength, source.byteLength) : 0);
}

/** Collects the nodes and buffers of `data` in pre-order; false when the layout cannot carry it. */
function collect(data: Data, nodes: number[], buffers: Buffers): boolean {
  if (data.offset !== 0) return false;
  const { length, nullCount } = data;
  nodes.push(length, nullCount);
  const type = data.type as DataType;
  if (type.typeId === Type.Null) return true;
  push(buffers, data.nullBitmap, nullCount > 0 ? (length + 7) >> 3 : 0);
  switch (type.typeId) {
    case Type.Bool:
      push(buffers, data.values, (length + 7) >> 3);
      return true;
    case Type.Utf8:
    case Type.Binary:
      push(buffers, data.valueOffsets, length === 0 ? 0 : (length + 1) * 4);
      push(buffers, data.values, length === 0 ? 0 : data.valueOffsets[length]!);
      return true;
    case Type.List:
      push(buffers, data.valueOffsets, length === 0 ? 0 : (length + 1) * 4);
      return collect(data.children[0]!, nodes, buffers);
    case Type.FixedSizeList:
      return collect(data.children[0]!, nodes, buffers);
    case Type.Struct:
      for (const child of data.children) if (!collect(child, nodes, buffers)) return false;
      return true;
    case Type.Dictionary: {
      const dictionary = data.dictionary;
      if (!dictionary || dictionary.data.length !== 1) return false;
      push(buffers, data.values, length * (data.values as Int32Array).BYTES_PER_ELEMENT);
      return collect(dictionary.data[0]!, nodes, buffers);
    }
    default:
      push(buffers, data.values, length * (data.values as Float64Array).BYTES_PER_ELEMENT);
      return true;
  }
}

type Typed = ArrayBufferView & ArrayLike<number | bigint> & { set(source: ArrayLike<number | bigint>, offset: number): void };

/**
 * Copies the first `byteLength` bytes of `source` to `block` at `at` (8-aligned). Small buffers
 * are copied through a view of the block of the source's own class, made once per class and
 * message: a view per buffer would cost more than the copy.
 */
function copyInto(block: Uint8Array, views: Typed[], at: number, source: ArrayBufferView, byteLength: number): void {
  const ctor = source.constructor as { new (buffer: ArrayBufferLike): Typed; BYTES_PER_ELEMENT: number };
  let target: Typed | undefined = source instanceof Uint8Array ? block : undefined;
  for (let i = 0; !target && i < views.length; i++) if (views[i]!.constructor === ctor) target = views[i];
  if (!target) views.push((target = new (ctor as unknown as ViewConstructor)(block.buffer, block.byteOffset, block.byteLength / ctor.BYTES_PER_ELEMENT) as Typed));
  const typed = source as Typed;
  const count = byteLength / ctor.BYTES_PER_ELEMENT;
  const start = at / ctor.BYTES_PER_ELEMENT;
  if (count === typed.length) target.set(typed, start);
  else for (let i = 0; i < count; i++) (target as unknown as (number | bigint)[])[start + i] = typed[i]!;
}

/**
 * Lays `data` out compactly under `descriptor` (its type's descriptor). Buffers of up to
 * `COMPACT_INLINE_BYTES` are copied next to the head, larger ones are sent as they are (no copy).
 * Returns undefined when some array is sliced (non-zero offset) or a dictionary is chunked:
 * the caller then falls back to Arrow IPC.
 */
export function encodeCompact(data: Data, descriptor: Uint8Array): CompactChunks | undefined {
  const nodes: number[] = [];
  const buffers: Buffers = { sources: [], lengths: [] };
  if (!collect(data, nodes, buffers)) return undefined;
  const { sources, lengths } = buffers;
  const descriptorEnd = COMPACT_HEAD_BYTES + align8(descriptor.byteLength);
  const lengthsAt = descriptorEnd + nodes.length * 4;
  const headBytes = lengthsAt + align8(lengths.length * 4);
  let inlineBytes = 0;
  for (const byteLength of lengths) if (byteLength <= COMPACT_INLINE_BYTES) inlineBytes += align8(byteLength);
  // From Node's pool (8-byte aligned slices of a shared slab): a fresh small ArrayBuffer costs
  // more than the whole rest of encoding a one-row message. Zeroed for the padding.
  let block: Uint8Array = Buffer.allocUnsafe(headBytes + inlineBytes).fill(0);
  if (block.byteOffset % 8 !== 0) block = new Uint8Array(headBytes + inlineBytes);
  block[0] = COMPACT_TAG;
  block[2] = descriptor.byteLength;
  block[3] = descriptor.byteLength >>> 8;
  setU32(block, 4, nodes.length / 2);
  setU32(block, 8, lengths.length);
  block.set(descriptor, COMPACT_HEAD_BYTES);
  for (let i = 0; i < nodes.length; i++) setU32(block, descriptorEnd + i * 4, nodes[i]!);
  const views: Typed[] = [];
  const chunks: Uint8Array[] = [];
  let blockStart = 0;
  let blockAt = headBytes;
  let total = headBytes;
  for (let i = 0; i < lengths.length; i++) {
    const byteLength = lengths[i]!;
    setU32(block, lengthsAt + i * 4, byteLength);
    if (byteLength === 0) continue;
    const source = sources[i]!;
    const padded = align8(byteLength);
    total += padded;
    if (byteLength <= COMPACT_INLINE_BYTES) {
      copyInto(block, views, blockAt, source, byteLength);
      blockAt += padded;
      continue;
    }
    if (blockAt > blockStart) chunks.push(block.subarray(blockStart, blockAt));
    blockStart = blockAt;
    chunks.push(new Uint8Array(source.buffer, source.byteOffset, byteLength));
    if (padded > byteLength) chunks.push(PADDING.subarray(0, padded - byteLength));
  }
  if (blockStart === 0 && blockAt === block.byteLength) chunks.push(block);
  else if (blockAt > blockStart) chunks.push(block.subarray(blockStart, blockAt));
  return { chunks, byteLength: total };
}

type ViewConstructor = { new (buffer: ArrayBufferLike, byteOffset: number, length: number): ArrayBufferView; new (length: number): ArrayBufferView; BYTES_PER_ELEMENT: number };

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
 * buffer is not aligned for its element size). The type comes from `types`.
 * @throws FrameDecodeError for a wrong tag or flags, a truncated payload, lengths or offsets out
 *   of bounds, a descriptor that does not parse, or node and buffer counts that do not match it.
 */
export function decodeCompact(payload: Uint8Array, types: TypeDescriptorCache): Data {
  if (payload.byteLength < COMPACT_HEAD_BYTES) throw new FrameDecodeError("compact payload is shorter than its head", 0);
  if (payload[0] !== COMPACT_TAG) throw new FrameDecodeError(`compact payload tag is ${payload[0]}, expected ${COMPACT_TAG}`, 0);
  if (payload[1] !== 0) throw new FrameDecodeError(`compact payload has unknown flags ${payload[1]}`, 1);
  const descriptorBytes = payload[2]! | (payload[3]! << 8);
  const nodeCount = u32(payload, 4);
  const bufferCount = u32(payload, 8);
  const nodesAt = COMPACT_HEAD_BYTES + align8(descriptorBytes);
  const lengthsAt = nodesAt + nodeCount * 8;
  const buffersAt = lengthsAt + align8(bufferCount * 4);
  if (buffersAt > payload.byteLength) throw new FrameDecodeError("compact payload head runs past the end of the payload", 4);
  const type = types.typeOf(payload.subarray(COMPACT_HEAD_BYTES, COMPACT_HEAD_BYTES + descriptorBytes));
  const reader = new CompactReader(payload, nodesAt, nodeCount, lengthsAt, bufferCount, buffersAt);
  const data = reader.data(type);
  if (reader.node !== nodeCount || reader.buffer !== bufferCount) throw new FrameDecodeError("compact payload has more nodes or buffers than its type", 4);
  return data;
}
