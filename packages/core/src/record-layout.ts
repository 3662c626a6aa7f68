import { type DataType, Field, Precision, Struct, Type } from "apache-arrow";
import { INFERRED } from "./arrow-infer.js";
import { COMPACT_BY_ID, COMPACT_HEAD_BYTES, COMPACT_TAG, type CompactChunks } from "./compact-layout.js";
import { COMPACT_INLINE_BYTES } from "./constants.js";
import { align8 } from "./frame-codec.js";
import type { TypeDescriptorCache } from "./type-cache.js";
import type { AssignedTypeId, TypeIdRegistry } from "./type-ids.js";
import { writeTypeDescriptor } from "./type-descriptor.js";

/**
 * The compact layout of the commonest message, written straight from the object: one plain
 * object whose fields are all numbers, strings (up to `COMPACT_INLINE_BYTES` of UTF-8), booleans
 * or int64-range bigints, none null (a sensor reading, a log record). The bytes are exactly those
 * of the general path (infer, build Arrow data, lay out: arrow-codec.ts), which a property test
 * checks; skipping the Arrow objects in between makes a 5-field record several times cheaper.
 * Anything else (a null field, a nested value, a long string) returns undefined and takes the
 * general path.
 *
 * `RecordReader` is the way back, for `event.rows()`: a payload whose head is byte for byte the
 * head this layout writes for its type (only the string lengths may differ) is read straight
 * into a plain object; anything else, a damaged payload included, returns undefined and goes
 * through the general reader, which checks every bound and names what is wrong.
 *
 * Types by id (flag COMPACT_BY_ID, type-ids.ts) work both ways: the writer asks the output's
 * registry for the shape's id and writes it in place of the descriptor; the reader resolves a
 * payload's id through the input's table first (ids are per producer, so a head by id is only
 * compared against the shape its input's table names).
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
  /** The type descriptor (one object per shape, so a registry finds its id by identity). */
  descriptor: Uint8Array;
  /** With a type id: the id this head carries in place of the descriptor. */
  id?: number;
  /** The same shape by id, for the last id it was written or read with. */
  byId?: Shape;
  /** Tag, counts, descriptor, node table and the buffer lengths that do not vary; zeros elsewhere. */
  head: Uint8Array;
  /** Where the buffer lengths start in `head`. */
  lengthsAt: number;
  /** Where in `head` the byte length of each string field's bytes is, in field order. */
  varying: number[];
  /** An object with the keys in order (values null), copied for each record read. */
  template: Record<string, unknown>;
}

/** A record's payload, and the type id definition it needs first when it is written by id. */
export interface RecordPayload extends CompactChunks {
  typeDefinition?: AssignedTypeId;
}

/** The fast path's cache: the last record shape seen (an output usually sends one shape). */
export class RecordLayouts {
  #shape: Shape | undefined;

  /**
   * The payload of `record`, or undefined when it is not a flat record of covered fields. With
   * `typeIds`, the type goes by id when the registry gives one (as `encodeVector` does).
   */
  encode(record: Record<string, unknown>, typeIds?: TypeIdRegistry): RecordPayload | undefined {
    let shape = this.#shape;
    if (!shape || !fits(shape, record)) {
      shape = shapeOf(record);
      if (!shape) return undefined;
      this.#shape = shape;
    }
    const assigned = typeIds?.idOf(shape.descriptor);
    if (!assigned) return write(shape, record);
    const payload: RecordPayload | undefined = write(withId(shape, assigned.id), record);
    if (payload) payload.typeDefinition = assigned;
    return payload;
  }
}

/** `shape` with `id` in place of its descriptor (memoized for the last id). */
function withId(shape: Shape, id: number): Shape {
  if (shape.byId?.id !== id) shape.byId = shapeFor(shape.keys, shape.kinds, id);
  return shape.byId!;
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
  return keys.length === 0 ? undefined : shapeFor(keys, kinds);
}

/** The leaf type of each kind, as inference gives it. */
const LEAVES = [INFERRED.FLOAT64, INFERRED.UTF8, INFERRED.BOOL, INFERRED.INT64];

function shapeFor(keys: string[], kinds: number[], id?: number): Shape | undefined {
  const written: number[] = [];
  if (!writeTypeDescriptor(new Struct(keys.map((key, i) => new Field(key, LEAVES[kinds[i]!]!, true))), written)) return undefined;
  const descriptor = Uint8Array.from(written);
  // By id, the descriptor field is the 4-byte id.
  const field = id === undefined ? descriptor : new Uint8Array(new Uint32Array([id]).buffer);
  const nodeCount = 1 + keys.length;
  // Buffers in pre-order: the struct's validity, then per field its validity and its values
  // (a string: offsets, then bytes).
  const lengths = [0];
  for (const kind of kinds) lengths.push(0, ...(kind === STRING ? [8, 0] : [kind === BOOLEAN ? 1 : 8]));
  const descriptorEnd = COMPACT_HEAD_BYTES + align8(field.length);
  const lengthsAt = descriptorEnd + nodeCount * 8;
  const head = new Uint8Array(lengthsAt + align8(lengths.length * 4));
  const view = new DataView(head.buffer);
  head[0] = COMPACT_TAG;
  if (id !== undefined) head[1] = COMPACT_BY_ID;
  view.setUint16(2, field.length, true);
  view.setUint32(4, nodeCount, true);
  view.setUint32(8, lengths.length, true);
  head.set(field, COMPACT_HEAD_BYTES);
  for (let n = 0; n < nodeCount; n++) view.setUint32(descriptorEnd + n * 8, 1, true); // length 1, null count 0
  lengths.forEach((length, i) => view.setUint32(lengthsAt + i * 4, length, true));
  // A string field's runs are validity, offsets, bytes: its bytes' length is the run's third.
  const varying: number[] = [];
  for (let i = 0, at = 1; i < kinds.length; i++) {
    if (kinds[i] === STRING) varying.push(lengthsAt + (at + 2) * 4);
    at += kinds[i] === STRING ? 3 : 2;
  }
  const template: Record<string, unknown> = {};
  for (const key of keys) template[key] = null;
  return { keys, kinds, descriptor, ...(id === undefined ? {} : { id }), head, lengthsAt, varying, template };
}

function write(shape: Shape, record: Record<string, unknown>): RecordPayload | undefined {
  const { keys, kinds, head, varying } = shape;
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
  let at = head.byteLength;
  for (let i = 0, v = 0; i < keys.length; i++) {
    const value = record[keys[i]!];
    switch (kinds[i]) {
      case NUMBER:
        block.writeDoubleLE(value as number, at);
        at += 8;
        break;
      case BIGINT:
        block.writeBigInt64LE(value as bigint, at);
        at += 8;
        break;
      case BOOLEAN:
        block[at] = value ? 1 : 0;
        at += 8;
        break;
      default: {
        // Offsets [0, n], then the n bytes; n goes into the buffer lengths too.
        const bytes = block.write(value as string, at + 8, "utf8");
        block.writeUInt32LE(bytes, at + 4);
        block.writeUInt32LE(bytes, varying[v++]!);
        at += 8 + align8(bytes);
      }
    }
  }
  return { chunks: [block], byteLength: total };
}

/** The kind of a struct field's type, when it is one of the leaves this layout writes. */
function kindOfType(type: DataType): number | undefined {
  switch (type.typeId) {
    case Type.Float:
      return (type as DataType<Type.Float> & { precision: Precision }).precision === Precision.DOUBLE ? NUMBER : undefined;
    case Type.Utf8:
      return STRING;
    case Type.Bool:
      return BOOLEAN;
    case Type.Int: {
      const int = type as DataType<Type.Int> & { bitWidth: number; isSigned: boolean };
      return int.bitWidth === 64 && int.isSigned ? BIGINT : undefined;
    }
    default:
      return undefined;
  }
}

const decoder = new TextDecoder();

/** Reads flat-record payloads straight into plain objects (see the top of this file). */
export class RecordReader {
  /** The shape of each decoded type object (types come from a cache: one object per shape). */
  readonly #shapes = new WeakMap<DataType, Shape | null>();

  constructor(private readonly types: TypeDescriptorCache) {}

  /** The shape of the last record read: its head holds the descriptor, so a match needs no lookup. */
  #last: Shape | undefined;

  /**
   * The record in `payload`, or undefined when it is not exactly a flat record's layout.
   * `byId` resolves a payload's type id (the receiving input's table); without it, or when it
   * throws, a payload by id is left to the general reader.
   */
  read(payload: Uint8Array, byId?: (id: number) => DataType): Record<string, unknown> | undefined {
    if (payload.byteLength < COMPACT_HEAD_BYTES || payload[0] !== COMPACT_TAG) return undefined;
    if (payload[1] === COMPACT_BY_ID) return byId ? this.#readById(payload, byId) : undefined;
    if (payload[1] !== 0) return undefined;
    if (this.#last) {
      const record = readShape(this.#last, payload);
      if (record) return record;
    }
    const descriptorBytes = payload[2]! | (payload[3]! << 8);
    if (COMPACT_HEAD_BYTES + descriptorBytes > payload.byteLength) return undefined;
    let type: DataType;
    try {
      type = this.types.typeOf(payload.subarray(COMPACT_HEAD_BYTES, COMPACT_HEAD_BYTES + descriptorBytes));
    } catch {
      return undefined;
    }
    const shape = this.#shapeOf(type);
    if (!shape) return undefined;
    this.#last = shape;
    return readShape(shape, payload);
  }

  #readById(payload: Uint8Array, byId: (id: number) => DataType): Record<string, unknown> | undefined {
    if ((payload[2]! | (payload[3]! << 8)) !== 4 || payload.byteLength < COMPACT_HEAD_BYTES + 4) return undefined;
    const id = (payload[16]! | (payload[17]! << 8) | (payload[18]! << 16)) + payload[19]! * 0x1000000;
    let type: DataType;
    try {
      type = byId(id);
    } catch {
      return undefined;
    }
    const shape = this.#shapeOf(type);
    return shape ? readShape(withId(shape, id), payload) : undefined;
  }

  #shapeOf(type: DataType): Shape | undefined {
    let shape = this.#shapes.get(type);
    if (shape === undefined) this.#shapes.set(type, (shape = shapeOfType(type) ?? null));
    return shape ?? undefined;
  }
}

function shapeOfType(type: DataType): Shape | undefined {
  if (type.typeId !== Type.Struct || type.children.length === 0 || type.children.length > MAX_FIELDS) return undefined;
  // A field named __proto__ cannot live in a template object (assigning it sets the prototype).
  if (type.children.some((field) => field.name === "__proto__")) return undefined;
  const kinds: number[] = [];
  for (const field of type.children) {
    const kind = kindOfType(field.type);
    if (kind === undefined) return undefined;
    kinds.push(kind);
  }
  return shapeFor(
    type.children.map((field) => field.name),
    kinds,
  );
}

function readShape(shape: Shape, payload: Uint8Array): Record<string, unknown> | undefined {
  const { keys, kinds, head, varying } = shape;
  if (payload.byteLength < head.byteLength) return undefined;
  // The head must be exactly this layout's (tag, counts, descriptor, nodes, lengths), but for
  // the byte lengths of the strings: compared natively, one stretch between two of those.
  const bytes = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  let from = 0;
  for (const at of varying) {
    if (bytes.compare(head, from, at, from, at) !== 0) return undefined;
    from = at + 4;
  }
  if (bytes.compare(head, from, head.byteLength, from, head.byteLength) !== 0) return undefined;
  // A copy of a template with the keys in order: cheaper than adding keys one by one.
  const record: Record<string, unknown> = { ...shape.template };
  let at = head.byteLength;
  for (let i = 0, v = 0; i < keys.length; i++) {
    const kind = kinds[i];
    if (kind !== STRING) {
      if (at + 8 > bytes.byteLength) return undefined;
      record[keys[i]!] = kind === NUMBER ? bytes.readDoubleLE(at) : kind === BIGINT ? bytes.readBigInt64LE(at) : (bytes[at]! & 1) === 1;
      at += 8;
      continue;
    }
    const length = bytes.readUInt32LE(varying[v++]!);
    if (at + 8 + length > bytes.byteLength || bytes.readUInt32LE(at) !== 0 || bytes.readUInt32LE(at + 4) !== length) return undefined;
    record[keys[i]!] = length === 0 ? "" : decoder.decode(payload.subarray(at + 8, at + 8 + length));
    at += 8 + align8(length);
  }
  return record;
}
