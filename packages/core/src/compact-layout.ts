import { type Data, type DataType, Type } from "apache-arrow";
import { COMPACT_INLINE_BYTES } from "./constants.js";
import { align8 } from "./frame-codec.js";

/**
 * The compact payload layout (docs/payload-format.md): a 16-byte head, the type descriptor,
 * one (length, null count) pair per array node in pre-order, the byte length of every buffer,
 * then the buffers, each padded to 8 bytes so that the receiver can view them in place.
 *
 * ```
 * 0 u8 tag 0xC2   2 u16 descriptor bytes   8  u32 buffer count   16 descriptor, padding to 8
 * 1 u8 flags      4 u32 node count         12 u32 reserved (0)      nodes: u32 length, u32 null count
 *                                                                   buffer lengths: u32 each, padding to 8
 *                                                                   buffers, each padded to 8
 * ```
 *
 * Flag `COMPACT_BY_ID` (0x01): the descriptor field holds a u32 type id (D = 4) defined earlier
 * by a TYPE_DEFINITION frame, instead of the descriptor.
 */
export const COMPACT_TAG = 0xc2;
/** Flags bit: the descriptor field is a u32 type id. */
export const COMPACT_BY_ID = 0x01;
/** Bytes of the fixed head, before the type descriptor. */
export const COMPACT_HEAD_BYTES = 16;
const PADDING = new Uint8Array(8);

/** A typed array class, as the layout's views need it. */
export type ViewConstructor = { new (buffer: ArrayBufferLike, byteOffset: number, length: number): ArrayBufferView; new (length: number): ArrayBufferView; BYTES_PER_ELEMENT: number };

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
 * Lays `data` out compactly under `descriptor` (its type's descriptor), or under `typeId`
 * (flag COMPACT_BY_ID) when given: the receiver must have the id's definition. Buffers of up to
 * `COMPACT_INLINE_BYTES` are copied next to the head, larger ones are sent as they are (no copy).
 * Returns undefined when some array is sliced (non-zero offset) or a dictionary is chunked:
 * the caller then falls back to Arrow IPC.
 */
export function encodeCompact(data: Data, descriptor: Uint8Array, typeId?: number): CompactChunks | undefined {
  const nodes: number[] = [];
  const buffers: Buffers = { sources: [], lengths: [] };
  if (!collect(data, nodes, buffers)) return undefined;
  const { sources, lengths } = buffers;
  const descriptorLength = typeId === undefined ? descriptor.byteLength : 4;
  const descriptorEnd = COMPACT_HEAD_BYTES + align8(descriptorLength);
  const lengthsAt = descriptorEnd + nodes.length * 4;
  const headBytes = lengthsAt + align8(lengths.length * 4);
  let inlineBytes = 0;
  for (const byteLength of lengths) if (byteLength <= COMPACT_INLINE_BYTES) inlineBytes += align8(byteLength);
  // From Node's pool (8-byte aligned slices of a shared slab): a fresh small ArrayBuffer costs
  // more than the whole rest of encoding a one-row message. Zeroed for the padding.
  let block: Uint8Array = Buffer.allocUnsafe(headBytes + inlineBytes).fill(0);
  if (block.byteOffset % 8 !== 0) block = new Uint8Array(headBytes + inlineBytes);
  block[0] = COMPACT_TAG;
  block[2] = descriptorLength;
  block[3] = descriptorLength >>> 8;
  setU32(block, 4, nodes.length / 2);
  setU32(block, 8, lengths.length);
  if (typeId === undefined) block.set(descriptor, COMPACT_HEAD_BYTES);
  else {
    block[1] = COMPACT_BY_ID;
    setU32(block, COMPACT_HEAD_BYTES, typeId);
  }
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
