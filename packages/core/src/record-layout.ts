import { Field, Struct } from "apache-arrow";
import { INFERRED } from "./arrow-infer.js";
import { COMPACT_HEAD_BYTES, COMPACT_TAG, type CompactChunks } from "./compact-layout.js";
import { COMPACT_INLINE_BYTES } from "./constants.js";
import { align8 } from "./frame-codec.js";
import { writeTypeDescriptor } from "./type-descriptor.js";

/**
 * The compact layout of the commonest message, written straight from the object: one plain
 * object whose fields are all numbers, strings (up to `COMPACT_INLINE_BYTES` of UTF-8), booleans
 * or int64-range bigints, none null (a sensor reading, a log record). The bytes are exactly those
 * of the general path (infer, build Arrow data, lay out: arrow-codec.ts), which a property test
 * checks; skipping the Arrow objects in between makes a 5-field record several times cheaper.
 * Anything else (a null field, a nested value, a long string) returns undefined and takes the
 * general path.
 */

const NUMBER = 0;
const STRING = 1;
const BOOLEAN = 2;
const BIGINT = 3;
const KINDS: Record<string, number | undefined> = { number: NUMBER, string: STRING, boolean: BOOLEAN, bigint: BIGINT };
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** More fields than this take the general path (the fixed head would not stay small). */
const MAX_FIELDS = 64;

/** One record shape: its keys and kinds in order, and the fixed part of its payload head. */
interface Shape {
  keys: string[];
  kinds: number[];
  /** Tag, counts, descriptor, node table and the buffer lengths that do not vary; zeros elsewhere. */
  head: Uint8Array;
  /** Where the buffer lengths start in `head`. */
  lengthsAt: number;
}

/** The fast path's cache: the last record shape seen (an output usually sends one shape). */
export class RecordLayouts {
  #shape: Shape | undefined;

  /** The payload of `record`, or undefined when it is not a flat record of covered fields. */
  encode(record: Record<string, unknown>): CompactChunks | undefined {
    let shape = this.#shape;
    if (!shape || !fits(shape, record)) {
      shape = shapeOf(record);
      if (!shape) return undefined;
      this.#shape = shape;
    }
    return write(shape, record);
  }
}

/** True when `record` has exactly the keys of `shape`, in order, each of its kind. */
function fits(shape: Shape, record: Record<string, unknown>): boolean {
  const { keys, kinds } = shape;
  let i = 0;
  for (const key in record) {
    if (i >= keys.length || key !== keys[i]) return false;
    const value = record[key];
    if (KINDS[typeof value] !== kinds[i]) return false;
    i++;
  }
  return i === keys.length;
}

function shapeOf(record: Record<string, unknown>): Shape | undefined {
  const keys: string[] = [];
  const kinds: number[] = [];
  for (const key in record) {
    if (!Object.prototype.hasOwnProperty.call(record, key)) return undefined;
    const kind = KINDS[typeof record[key]];
    if (kind === undefined || keys.length === MAX_FIELDS) return undefined;
    keys.push(key);
    kinds.push(kind);
  }
  if (keys.length === 0) return undefined;
  const leaf = [INFERRED.FLOAT64, INFERRED.UTF8, INFERRED.BOOL, INFERRED.INT64];
  const descriptor: number[] = [];
  if (!writeTypeDescriptor(new Struct(keys.map((key, i) => new Field(key, leaf[kinds[i]!]!, true))), descriptor)) return undefined;
  const nodeCount = 1 + keys.length;
  // Buffers in pre-order: the struct's validity, then per field its validity and its values
  // (a string: offsets, then bytes).
  const lengths = [0];
  for (const kind of kinds) lengths.push(0, ...(kind === STRING ? [8, 0] : [kind === BOOLEAN ? 1 : 8]));
  const descriptorEnd = COMPACT_HEAD_BYTES + align8(descriptor.length);
  const lengthsAt = descriptorEnd + nodeCount * 8;
  const head = new Uint8Array(lengthsAt + align8(lengths.length * 4));
  const view = new DataView(head.buffer);
  head[0] = COMPACT_TAG;
  view.setUint16(2, descriptor.length, true);
  view.setUint32(4, nodeCount, true);
  view.setUint32(8, lengths.length, true);
  head.set(descriptor, COMPACT_HEAD_BYTES);
  for (let n = 0; n < nodeCount; n++) view.setUint32(descriptorEnd + n * 8, 1, true); // length 1, null count 0
  lengths.forEach((length, i) => view.setUint32(lengthsAt + i * 4, length, true));
  return { keys, kinds, head, lengthsAt };
}

function write(shape: Shape, record: Record<string, unknown>): CompactChunks | undefined {
  const { keys, kinds, head } = shape;
  let total = head.byteLength;
  for (let i = 0; i < keys.length; i++) {
    const value = record[keys[i]!];
    const kind = kinds[i];
    if (kind === STRING) {
      const bytes = Buffer.byteLength(value as string, "utf8");
      if (bytes > COMPACT_INLINE_BYTES) return undefined;
      total += 8 + align8(bytes);
    } else {
      if (kind === BIGINT && ((value as bigint) < INT64_MIN || (value as bigint) > INT64_MAX)) return undefined;
      total += 8;
    }
  }
  // From Node's pool, like the general path; zeroed for the padding.
  let block = Buffer.allocUnsafe(total).fill(0);
  if (block.byteOffset % 8 !== 0) block = Buffer.alloc(total);
  block.set(head, 0);
  // The lengths of string bytes: the third length of each string field's run.
  let lengthAt = shape.lengthsAt + 4;
  let at = head.byteLength;
  for (let i = 0; i < keys.length; i++) {
    const value = record[keys[i]!];
    switch (kinds[i]) {
      case NUMBER:
        block.writeDoubleLE(value as number, at);
        at += 8;
        lengthAt += 8;
        break;
      case BIGINT:
        block.writeBigInt64LE(value as bigint, at);
        at += 8;
        lengthAt += 8;
        break;
      case BOOLEAN:
        block[at] = value ? 1 : 0;
        at += 8;
        lengthAt += 8;
        break;
      default: {
        const bytes = block.write(value as string, at + 8, "utf8");
        block.writeUInt32LE(bytes, at + 4);
        block.writeUInt32LE(bytes, lengthAt + 8);
        at += 8 + align8(bytes);
        lengthAt += 12;
      }
    }
  }
  return { chunks: [block], byteLength: total };
}
