import {
  Binary,
  Bool,
  type DataType,
  DateDay,
  DateMillisecond,
  Dictionary,
  Field,
  FixedSizeList,
  Float16,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  List,
  Null,
  Struct,
  TimeUnit,
  Timestamp,
  Type,
  Uint16,
  Uint32,
  Uint64,
  Uint8,
  Utf8,
} from "apache-arrow";
import { FrameDecodeError } from "./errors.js";
import { MAX_TYPE_DEPTH } from "./constants.js";

/**
 * The type descriptor of the compact payload layout: an Arrow type written as a pre-order tree
 * of bytes, independent of any value, so that it can be cached (and, later, sent once per
 * subscriber). Grammar (little-endian; see docs/payload-format.md):
 *
 * ```
 * type  := code:u8 params
 * 0 Null  1 Float64  2 Float32  3 Int8  4 Int16  5 Int32  6 Int64  7 Uint8  8 Uint16  9 Uint32
 * 10 Uint64  11 Bool  12 Utf8  13 Binary  14 Float16  16 DateDay  17 DateMillisecond
 * 15 Timestamp      unit:u8 (0 s, 1 ms, 2 us, 3 ns)  tzLength:u8  tz:UTF-8
 * 20 List           field
 * 21 FixedSizeList  size:u32  field
 * 22 Struct         count:u16  field*count
 * 23 Dictionary     indexCode:u8 (3..10)  ordered:u8  type (the dictionary's value type)
 * field := nameLength:u16  name:UTF-8  nullable:u8  type
 * ```
 */
export const TypeCode = {
  NULL: 0, FLOAT64: 1, FLOAT32: 2, INT8: 3, INT16: 4, INT32: 5, INT64: 6, UINT8: 7, UINT16: 8, UINT32: 9, UINT64: 10,
  BOOL: 11, UTF8: 12, BINARY: 13, FLOAT16: 14, TIMESTAMP: 15, DATE_DAY: 16, DATE_MILLISECOND: 17,
  LIST: 20, FIXED_SIZE_LIST: 21, STRUCT: 22, DICTIONARY: 23,
} as const;

const MAKE_FIXED: Readonly<Record<number, () => DataType>> = {
  0: () => new Null(), 1: () => new Float64(), 2: () => new Float32(), 3: () => new Int8(), 4: () => new Int16(),
  5: () => new Int32(), 6: () => new Int64(), 7: () => new Uint8(), 8: () => new Uint16(), 9: () => new Uint32(),
  10: () => new Uint64(), 11: () => new Bool(), 12: () => new Utf8(), 13: () => new Binary(), 14: () => new Float16(),
  16: () => new DateDay(), 17: () => new DateMillisecond(),
};

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });
const byType = new WeakMap<DataType, Uint8Array | null>();

/** The code of a type without parameters, or undefined when the type has parameters or is not covered. */
function simpleCode(type: DataType): number | undefined {
  switch (type.typeId) {
    case Type.Null: return TypeCode.NULL;
    case Type.Bool: return TypeCode.BOOL;
    case Type.Utf8: return TypeCode.UTF8;
    case Type.Binary: return TypeCode.BINARY;
    case Type.Float: return [TypeCode.FLOAT16, TypeCode.FLOAT32, TypeCode.FLOAT64][(type as Float64).precision];
    case Type.Int: {
      const { bitWidth, isSigned } = type as Int32;
      const index = [8, 16, 32, 64].indexOf(bitWidth);
      return index < 0 ? undefined : (isSigned ? TypeCode.INT8 : TypeCode.UINT8) + index;
    }
    case Type.Date: return (type as DateDay).unit === 0 ? TypeCode.DATE_DAY : TypeCode.DATE_MILLISECOND;
    default: return undefined;
  }
}

/**
 * The descriptor bytes of `type`, or undefined when the compact layout does not cover it
 * (unions, maps, decimals, large lists...: those travel as Arrow IPC). Memoized per type object,
 * so a type reused across messages is written once.
 */
export function describeType(type: DataType): Uint8Array | undefined {
  const known = byType.get(type);
  if (known !== undefined) return known ?? undefined;
  const out: number[] = [];
  const bytes = writeTypeDescriptor(type, out) ? Uint8Array.from(out) : null;
  byType.set(type, bytes);
  return bytes ?? undefined;
}

/**
 * Writes the descriptor of `type` into `out` (emptied first), without the memo: for type objects
 * that will not be seen again. False when the compact layout does not cover the type.
 */
export function writeTypeDescriptor(type: DataType, out: number[]): boolean {
  out.length = 0;
  return writeType(type, out);
}

function writeUtf8(text: string, out: number[], lengthBytes: 1 | 2): boolean {
  let ascii = text.length < 0x100;
  for (let i = 0; ascii && i < text.length; i++) ascii = text.charCodeAt(i) < 0x80;
  if (ascii) {
    // Field names are short ASCII in practice; this skips an encoder call per field.
    out.push(text.length);
    if (lengthBytes === 2) out.push(0);
    for (let i = 0; i < text.length; i++) out.push(text.charCodeAt(i));
    return true;
  }
  const bytes = encoder.encode(text);
  if (bytes.byteLength >= 2 ** (8 * lengthBytes)) return false;
  out.push(bytes.byteLength & 0xff);
  if (lengthBytes === 2) out.push(bytes.byteLength >>> 8);
  for (const byte of bytes) out.push(byte);
  return true;
}

function writeField(field: Field, out: number[], depth: number): boolean {
  if (!writeUtf8(field.name, out, 2)) return false;
  out.push(field.nullable ? 1 : 0);
  return writeType(field.type, out, depth + 1);
}

function writeType(type: DataType, out: number[], depth = 0): boolean {
  // Readers reject deeper descriptors as corruption; such types go as Arrow IPC instead.
  if (depth > MAX_TYPE_DEPTH) return false;
  const code = simpleCode(type);
  if (code !== undefined) {
    out.push(code);
    return true;
  }
  switch (type.typeId) {
    case Type.Timestamp: {
      const { unit, timezone } = type as Timestamp;
      out.push(TypeCode.TIMESTAMP, unit);
      return writeUtf8(timezone ?? "", out, 1);
    }
    case Type.List:
      out.push(TypeCode.LIST);
      return writeField((type as List).children[0]!, out, depth);
    case Type.FixedSizeList: {
      const size = (type as FixedSizeList).listSize;
      out.push(TypeCode.FIXED_SIZE_LIST, size & 0xff, (size >>> 8) & 0xff, (size >>> 16) & 0xff, size >>> 24);
      return writeField((type as FixedSizeList).children[0]!, out, depth);
    }
    case Type.Struct: {
      const fields = (type as Struct).children;
      if (fields.length > 0xffff) return false;
      out.push(TypeCode.STRUCT, fields.length & 0xff, fields.length >>> 8);
      return fields.every((field) => writeField(field, out, depth));
    }
    case Type.Dictionary: {
      const { indices, dictionary, isOrdered } = type as Dictionary;
      const indexCode = simpleCode(indices);
      // Integer indices only, as the reader accepts (a float "index type" is not a dictionary).
      if (indexCode === undefined || indexCode < TypeCode.INT8 || indexCode > TypeCode.UINT64) return false;
      out.push(TypeCode.DICTIONARY, indexCode, isOrdered ? 1 : 0);
      return writeType(dictionary, out, depth + 1);
    }
    default:
      return false;
  }
}

/** Reads a descriptor back into an Arrow type. */
class DescriptorReader {
  at = 0;
  constructor(private readonly bytes: Uint8Array) {}

  u8(): number {
    if (this.at >= this.bytes.byteLength) throw new FrameDecodeError("compact type descriptor ends early", this.at);
    return this.bytes[this.at++]!;
  }

  text(length: number): string {
    if (this.at + length > this.bytes.byteLength) throw new FrameDecodeError("compact type descriptor ends inside a name", this.at);
    const slice = this.bytes.subarray(this.at, (this.at += length));
    try {
      return decoder.decode(slice);
    } catch (cause) {
      throw new FrameDecodeError("compact type descriptor has a name that is not UTF-8", this.at - length, { cause });
    }
  }

  field(depth: number): Field {
    const name = this.text(this.u8() | (this.u8() << 8));
    const nullable = this.u8() !== 0;
    return new Field(name, this.type(depth + 1), nullable);
  }

  type(depth: number): DataType {
    if (depth > MAX_TYPE_DEPTH) throw new FrameDecodeError(`compact type descriptor nests deeper than ${MAX_TYPE_DEPTH}`, this.at);
    const code = this.u8();
    const make = MAKE_FIXED[code];
    if (make) return make();
    switch (code) {
      case TypeCode.TIMESTAMP: {
        const unit = this.u8();
        if (unit > TimeUnit.NANOSECOND) throw new FrameDecodeError(`unknown timestamp unit ${unit}`, this.at - 1);
        const timezone = this.text(this.u8());
        return new Timestamp(unit, timezone === "" ? null : timezone);
      }
      case TypeCode.LIST:
        return new List(this.field(depth));
      case TypeCode.FIXED_SIZE_LIST: {
        const size = (this.u8() | (this.u8() << 8) | (this.u8() << 16) | (this.u8() << 24)) >>> 0;
        return new FixedSizeList(size, this.field(depth));
      }
      case TypeCode.STRUCT: {
        const count = this.u8() | (this.u8() << 8);
        const fields: Field[] = [];
        for (let i = 0; i < count; i++) fields.push(this.field(depth));
        return new Struct(fields);
      }
      case TypeCode.DICTIONARY: {
        const indexCode = this.u8();
        if (indexCode < TypeCode.INT8 || indexCode > TypeCode.UINT64) throw new FrameDecodeError(`bad dictionary index code ${indexCode}`, this.at - 1);
        const ordered = this.u8() !== 0;
        return new Dictionary(this.type(depth + 1), MAKE_FIXED[indexCode]!() as Int32, null, ordered);
      }
      default:
        throw new FrameDecodeError(`unknown compact type code ${code}`, this.at - 1);
    }
  }
}

/**
 * Parses descriptor bytes into a new Arrow type.
 * @throws FrameDecodeError on an unknown code, a truncated descriptor, trailing bytes, or
 *   nesting deeper than `MAX_TYPE_DEPTH`.
 */
export function parseTypeDescriptor(bytes: Uint8Array): DataType {
  const reader = new DescriptorReader(bytes);
  const type = reader.type(0);
  if (reader.at !== bytes.byteLength) throw new FrameDecodeError("compact type descriptor has trailing bytes", reader.at);
  return type;
}
