import {
  Binary,
  Bool,
  Data,
  type DataType,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  Null,
  Table,
  Type,
  Uint16,
  Uint32,
  Uint64,
  Uint8,
  Utf8,
  Vector,
  makeData,
  makeVector,
  tableFromIPC,
  tableToIPC,
  vectorFromArray,
} from "apache-arrow";
import { FrameDecodeError, UnsupportedValueError } from "./errors.js";
import { PayloadEncoding, align8 } from "./frame-codec.js";

/**
 * Turns values into payload bytes and back.
 *
 * Flat arrays (numbers, booleans, strings, bytes) use a compact layout: a 24-byte descriptor and
 * the array's own buffers, sent as they are and rebuilt on receipt with `makeData` over the
 * received bytes, with no copy when they are aligned. Everything else (structs, lists,
 * dictionaries, chunked vectors) goes as an Arrow IPC stream with one column.
 *
 * Compact layout:
 * ```
 * 0 u8 type code   4 u32 length      12 u32 validity bytes   20 u32 value bytes
 * 1..3 reserved    8 u32 null count  16 u32 offset bytes     24 validity, offsets, values (each padded to 8)
 * ```
 */

/** What `sendOutput` accepts. */
export type SendableValue =
  | Vector
  | Table
  | Uint8Array
  | ArrayBufferView
  | number
  | bigint
  | string
  | boolean
  | null
  | undefined
  | readonly unknown[];

/** An encoded payload: how to read it, and its bytes in order (not concatenated). */
export interface EncodedPayload {
  encoding: PayloadEncoding;
  chunks: Uint8Array[];
  byteLength: number;
}

const COMPACT_HEAD_BYTES = 24;
const PADDING = new Uint8Array(8);

type CompactType = { code: number; make: () => DataType; bytes: number };
const COMPACT_TYPES: CompactType[] = [
  { code: 1, make: () => new Float64(), bytes: 8 },
  { code: 2, make: () => new Float32(), bytes: 4 },
  { code: 3, make: () => new Int8(), bytes: 1 },
  { code: 4, make: () => new Int16(), bytes: 2 },
  { code: 5, make: () => new Int32(), bytes: 4 },
  { code: 6, make: () => new Int64(), bytes: 8 },
  { code: 7, make: () => new Uint8(), bytes: 1 },
  { code: 8, make: () => new Uint16(), bytes: 2 },
  { code: 9, make: () => new Uint32(), bytes: 4 },
  { code: 10, make: () => new Uint64(), bytes: 8 },
  { code: 11, make: () => new Bool(), bytes: 0 },
  { code: 12, make: () => new Utf8(), bytes: 1 },
  { code: 13, make: () => new Binary(), bytes: 1 },
];
const BY_CODE = new Map(COMPACT_TYPES.map((t) => [t.code, t]));

function compactCode(type: DataType): number | undefined {
  switch (type.typeId) {
    case Type.Float: {
      const precision = (type as Float64).precision;
      return precision === 2 ? 1 : precision === 1 ? 2 : undefined;
    }
    case Type.Int: {
      const { bitWidth, isSigned } = type as Int32;
      const base = isSigned ? 3 : 7;
      const index = [8, 16, 32, 64].indexOf(bitWidth);
      return index < 0 ? undefined : base + index;
    }
    case Type.Bool:
      return 11;
    case Type.Utf8:
      return 12;
    case Type.Binary:
      return 13;
    default:
      return undefined;
  }
}

/**
 * Encodes a value for sending.
 * @throws UnsupportedValueError for values Arrow cannot represent (functions, symbols, mixed lists).
 */
export function encodeValue(value: SendableValue): EncodedPayload {
  if (value === null || value === undefined) return { encoding: PayloadEncoding.EMPTY, chunks: [], byteLength: 0 };
  if (value instanceof Uint8Array && !(value instanceof Uint8ClampedArray)) {
    return { encoding: PayloadEncoding.RAW, chunks: [value], byteLength: value.byteLength };
  }
  return encodeVector(toVector(value));
}

/** Encodes an Arrow vector, compactly when it is one flat chunk. */
export function encodeVector(vector: Vector): EncodedPayload {
  if (vector.data.length === 1) {
    const compact = encodeCompact(vector.data[0]!);
    if (compact) return compact;
  }
  const ipc = tableToIPC(new Table({ value: vector }), "stream");
  return { encoding: PayloadEncoding.ARROW_IPC, chunks: [ipc], byteLength: ipc.byteLength };
}

function encodeCompact(data: Data): EncodedPayload | undefined {
  const code = compactCode(data.type);
  if (code === undefined || data.offset !== 0) return undefined;
  const chunks: Uint8Array[] = [];
  const head = new Uint8Array(COMPACT_HEAD_BYTES);
  chunks.push(head);
  let total = COMPACT_HEAD_BYTES;
  const push = (bytes: Uint8Array | undefined): number => {
    if (!bytes || bytes.byteLength === 0) return 0;
    chunks.push(bytes);
    const padded = align8(bytes.byteLength);
    if (padded > bytes.byteLength) chunks.push(PADDING.subarray(0, padded - bytes.byteLength));
    total += padded;
    return bytes.byteLength;
  };
  const validity = data.nullCount > 0 ? bytesOf(data.nullBitmap)?.subarray(0, Math.ceil(data.length / 8)) : undefined;
  const offsets = code >= 12 ? bytesOf(data.valueOffsets)?.subarray(0, (data.length + 1) * 4) : undefined;
  let values = bytesOf(data.values);
  if (values && code === 11) values = values.subarray(0, Math.ceil(data.length / 8));
  else if (values && code < 11) values = values.subarray(0, data.length * BY_CODE.get(code)!.bytes);
  else if (values && offsets) values = values.subarray(0, data.valueOffsets[data.length]!);
  const view = new DataView(head.buffer);
  view.setUint8(0, code);
  view.setUint32(4, data.length, true);
  view.setUint32(8, data.nullCount, true);
  view.setUint32(12, push(validity), true);
  view.setUint32(16, push(offsets), true);
  view.setUint32(20, push(values), true);
  return { encoding: PayloadEncoding.ARROW_COMPACT, chunks, byteLength: total };
}

function bytesOf(view: ArrayBufferView | undefined | null): Uint8Array | undefined {
  if (!view) return undefined;
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/**
 * Decodes a payload into an Arrow vector, viewing the payload's bytes where alignment allows.
 * @throws FrameDecodeError when the bytes do not match the encoding.
 */
export function decodeValue(encoding: PayloadEncoding, payload: Uint8Array): Vector {
  switch (encoding) {
    case PayloadEncoding.RAW:
      return makeVector(payload);
    case PayloadEncoding.EMPTY:
      return makeVector(makeData({ type: new Null(), length: 0 }));
    case PayloadEncoding.ARROW_IPC: {
      let table: Table;
      try {
        table = tableFromIPC(payload);
      } catch (cause) {
        throw new FrameDecodeError("payload is not a valid Arrow IPC stream", undefined, { cause });
      }
      const column = table.getChildAt(0);
      if (!column) throw new FrameDecodeError("Arrow IPC payload has no column");
      return column;
    }
    case PayloadEncoding.ARROW_COMPACT:
      return decodeCompact(payload);
  }
}

function decodeCompact(payload: Uint8Array): Vector {
  if (payload.byteLength < COMPACT_HEAD_BYTES) throw new FrameDecodeError("compact Arrow payload is shorter than its descriptor");
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const compact = BY_CODE.get(view.getUint8(0));
  if (!compact) throw new FrameDecodeError(`unknown compact Arrow type code ${view.getUint8(0)}`);
  const length = view.getUint32(4, true);
  const nullCount = view.getUint32(8, true);
  let at = COMPACT_HEAD_BYTES;
  const take = (bytes: number): Uint8Array | undefined => {
    if (at + bytes > payload.byteLength) throw new FrameDecodeError("compact Arrow buffers run past the end of the payload");
    const slice = bytes === 0 ? undefined : payload.subarray(at, at + bytes);
    at += align8(bytes);
    return slice;
  };
  const validity = take(view.getUint32(12, true));
  const offsets = take(view.getUint32(16, true));
  const values = take(view.getUint32(20, true)) ?? new Uint8Array(0);
  const type = compact.make();
  const code = view.getUint8(0);
  if (code >= 12) {
    if (!offsets || offsets.byteLength < (length + 1) * 4) throw new FrameDecodeError("compact Arrow offsets are too short");
    return makeVector(
      makeData({ type: type as Utf8, length, nullCount, nullBitmap: validity, valueOffsets: typed(Int32Array, offsets), data: values }),
    );
  }
  const expected = code === 11 ? Math.ceil(length / 8) : length * compact.bytes;
  if (values.byteLength < expected) throw new FrameDecodeError("compact Arrow values are too short");
  const ctor = (type as DataType).ArrayType as TypedArrayConstructor;
  return makeVector(makeData({ type: type as Float64, length, nullCount, nullBitmap: validity, data: typed(ctor, values) as Float64Array }));
}

type TypedArrayConstructor = {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): ArrayBufferView;
  new (length: number): ArrayBufferView;
  BYTES_PER_ELEMENT: number;
};

/** A typed view over `bytes`, copying only when the bytes are not aligned for the element size. */
function typed<T extends TypedArrayConstructor>(ctor: T, bytes: Uint8Array): InstanceType<T> {
  const size = ctor.BYTES_PER_ELEMENT;
  const count = Math.floor(bytes.byteLength / size);
  if (bytes.byteOffset % size === 0) return new ctor(bytes.buffer, bytes.byteOffset, count) as InstanceType<T>;
  const copy = new ctor(count);
  new Uint8Array(copy.buffer).set(bytes.subarray(0, count * size));
  return copy as InstanceType<T>;
}

/** Converts what `sendOutput` accepts into an Arrow vector. */
export function toVector(value: Exclude<SendableValue, null | undefined>): Vector {
  if (value instanceof Vector) return value;
  if (value instanceof Table) return new Vector(value.data);
  if (ArrayBuffer.isView(value)) {
    if (value instanceof DataView) throw new UnsupportedValueError("a DataView cannot be sent; pass a typed array or Uint8Array");
    return makeVector(value as Float64Array);
  }
  if (typeof value === "number") return makeVector(Float64Array.of(value));
  if (typeof value === "bigint") return makeVector(BigInt64Array.of(value));
  if (typeof value === "string") return vectorFromArray([value], new Utf8());
  if (typeof value === "boolean") return vectorFromArray([value], new Bool());
  if (Array.isArray(value)) return arrayToVector(value);
  throw new UnsupportedValueError(`cannot send a value of type ${typeof value}; send an Arrow vector or table, a Uint8Array, or plain values`);
}

function arrayToVector(values: readonly unknown[]): Vector {
  if (values.length === 0) return makeVector(makeData({ type: new Null(), length: 0 }));
  const first = values.find((v) => v !== null && v !== undefined);
  if (typeof first === "number" && values.every((v) => typeof v === "number")) return makeVector(Float64Array.from(values as number[]));
  if (typeof first === "bigint" && values.every((v) => typeof v === "bigint")) return makeVector(BigInt64Array.from(values as bigint[]));
  try {
    if (typeof first === "string") return vectorFromArray(values as (string | null)[], new Utf8());
    if (typeof first === "boolean") return vectorFromArray(values as (boolean | null)[], new Bool());
    if (typeof first === "number") return vectorFromArray(values as (number | null)[], new Float64());
    return vectorFromArray(values as unknown[]);
  } catch (cause) {
    throw new UnsupportedValueError("cannot convert this array to Arrow; give every element the same type or pass an Arrow vector", { cause });
  }
}
