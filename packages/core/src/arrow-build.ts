import {
  type Data,
  type DataType,
  type DateDay,
  type Dictionary,
  type Float32,
  type Int64,
  type FixedSizeList,
  type Int32,
  type List,
  type Struct,
  TimeUnit,
  type Timestamp,
  Type,
  makeVector,
} from "apache-arrow";
import { newData } from "./arrow-data.js";
import { childPath, column, describeValue, flatten, isPlainObject, itemPath, unsupported } from "./arrow-infer.js";

/**
 * Builds Arrow data for a column of plain JS values over typed arrays that are filled directly
 * (`makeData`'s buffers, through `newData`), not through Arrow's generic builders
 * (`vectorFromArray`), which cost ten times more for small columns. Null and undefined become
 * null slots (a validity bitmap).
 */

const encoder = new TextEncoder();
const DAY_MS = 86_400_000;
type Bits = { bitmap: Uint8Array | undefined; nulls: number };

/** True when `buildData` can build `type` (every type of the compact layout but Float16). */
export function isBuildable(type: DataType): boolean {
  switch (type.typeId) {
    case Type.Null: case Type.Int: case Type.Bool: case Type.Utf8: case Type.Binary: case Type.Date: case Type.Timestamp:
      return true;
    case Type.Float:
      return (type as Float32).precision !== 0;
    case Type.List: case Type.FixedSizeList: case Type.Struct:
      return type.children.every((field) => isBuildable(field.type));
    case Type.Dictionary:
      return isBuildable((type as Dictionary).dictionary) && (type as Dictionary).indices.bitWidth < 64;
    default:
      return false;
  }
}

function fail(what: string, value: unknown, path: string): never {
  throw unsupported((at) => `expected ${what} at ${at}, got ${describeValue(value)}`, path);
}

function markNull(bits: Bits, index: number, length: number): void {
  bits.bitmap ??= new Uint8Array((length + 7) >> 3).fill(0xff);
  bits.bitmap[index >> 3]! &= ~(1 << (index & 7));
  bits.nulls++;
}

/**
 * Builds `values` (one element per row) as Arrow data of `type`.
 * @throws UnsupportedValueError (with the path) when a value does not fit the type: a string in
 *   a number column, a fraction or out-of-range number in an integer column, a list of the
 *   wrong size in a fixed-size list.
 */
export function buildData(type: DataType, values: readonly unknown[], path: string): Data {
  const length = values.length;
  const bits: Bits = { bitmap: undefined, nulls: 0 };
  switch (type.typeId) {
    case Type.Null:
      return newData(type, length, length, undefined);
    case Type.Bool: {
      const data = new Uint8Array((length + 7) >> 3);
      for (let i = 0; i < length; i++) {
        const value = values[i];
        if (value === true) data[i >> 3]! |= 1 << (i & 7);
        else if (value === null || value === undefined) markNull(bits, i, length);
        else if (value !== false) fail("a boolean", value, path);
      }
      return newData(type, length, bits.nulls, bits.bitmap, data);
    }
    case Type.Utf8:
      return buildUtf8(type, values, path, bits);
    case Type.Binary:
      return buildBinary(type, values, path, bits);
    case Type.List:
    case Type.FixedSizeList:
      return buildList(type as List, values, path, bits);
    case Type.Struct: {
      for (let i = 0; i < length; i++) {
        const value = values[i];
        if (value === null || value === undefined) markNull(bits, i, length);
        else if (!isPlainObject(value)) fail("a plain object", value, path);
      }
      const children = (type as Struct).children.map((field) => buildData(field.type, column(values, field.name), childPath(path, field.name)));
      return newData(type, length, bits.nulls, bits.bitmap, undefined, undefined, children);
    }
    case Type.Dictionary:
      return buildDictionary(type as Dictionary, values, path, bits);
    default:
      return buildFixed(type, values, path, bits);
  }
}

/** Numbers, integers of every width, dates and timestamps: one typed array slot per row. */
function buildFixed(type: DataType, values: readonly unknown[], path: string, bits: Bits): Data {
  const length = values.length;
  const data = new (type.ArrayType as new (n: number) => Float64Array | BigInt64Array | Int32Array)(length);
  const convert = converter(type, path);
  for (let i = 0; i < length; i++) {
    const value = values[i];
    if (value === null || value === undefined) markNull(bits, i, length);
    else data[i] = convert(value) as never;
  }
  return newData(type, length, bits.nulls, bits.bitmap, data);
}

function converter(type: DataType, path: string): (value: unknown) => number | bigint {
  switch (type.typeId) {
    case Type.Float:
      return (value) => (typeof value === "number" ? value : fail("a number", value, path));
    case Type.Int: {
      const { bitWidth, isSigned } = type as Int64 | Int32;
      if (bitWidth === 64) {
        const min = isSigned ? -(2n ** 63n) : 0n;
        const max = isSigned ? 2n ** 63n - 1n : 2n ** 64n - 1n;
        return (value) => {
          const big = typeof value === "bigint" ? value : Number.isSafeInteger(value) ? BigInt(value as number) : fail("a bigint or safe integer", value, path);
          return big >= min && big <= max ? big : fail(`an integer in the ${type} range`, value, path);
        };
      }
      const min = isSigned ? -(2 ** (bitWidth - 1)) : 0;
      const max = isSigned ? 2 ** (bitWidth - 1) - 1 : 2 ** bitWidth - 1;
      return (value) => {
        const number = typeof value === "bigint" ? Number(value) : value;
        return Number.isInteger(number) && (number as number) >= min && (number as number) <= max ? (number as number) : fail(`an integer in the ${type} range`, value, path);
      };
    }
    case Type.Date: {
      const days = (type as DateDay).unit === 0;
      return (value) => {
        const ms = value instanceof Date ? value.getTime() : typeof value === "number" ? (days ? value * DAY_MS : value) : NaN;
        if (!Number.isSafeInteger(ms)) fail("a valid Date or an integer", value, path);
        return days ? Math.floor(ms / DAY_MS) : BigInt(ms);
      };
    }
    default: {
      const unit = (type as Timestamp).unit;
      return (value) => {
        if (typeof value === "bigint") return value;
        if (typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value);
        if (!(value instanceof Date) || Number.isNaN(value.getTime())) fail("a valid Date, a bigint or an integer", value, path);
        const ms = value.getTime();
        if (unit === TimeUnit.SECOND) return BigInt(Math.floor(ms / 1000));
        const ticks = BigInt(ms);
        return unit === TimeUnit.MILLISECOND ? ticks : unit === TimeUnit.MICROSECOND ? ticks * 1000n : ticks * 1_000_000n;
      };
    }
  }
}

/** UTF-8 bytes of `text` as `encodeInto` writes it (a lone surrogate becomes U+FFFD, 3 bytes). */
function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2;
      i++;
    } else bytes += 2;
  }
  return bytes;
}

function buildUtf8(type: DataType, values: readonly unknown[], path: string, bits: Bits): Data {
  const length = values.length;
  // Exact size first: the values buffer is then sent whole, with no view cut out of it.
  let total = 0;
  for (const value of values) {
    if (typeof value === "string") total += utf8Length(value);
    else if (value !== null && value !== undefined) fail("a string", value, path);
  }
  if (total > 0x7fffffff) throw unsupported((at) => `strings at ${at} exceed 2 GiB in one message`, path);
  const data = new Uint8Array(total);
  const valueOffsets = new Int32Array(length + 1);
  let at = 0;
  for (let i = 0; i < length; i++) {
    const value = values[i] as string | null | undefined;
    if (value === null || value === undefined) markNull(bits, i, length);
    else {
      // Most strings on the wire are short ASCII: writing their char codes beats encodeInto's call cost.
      for (let j = 0; j < value.length; j++) {
        const code = value.charCodeAt(j);
        if (code < 0x80) data[at++] = code;
        else {
          at += encoder.encodeInto(j === 0 ? value : value.slice(j), data.subarray(at)).written;
          break;
        }
      }
    }
    valueOffsets[i + 1] = at;
  }
  return newData(type, length, bits.nulls, bits.bitmap, data, valueOffsets);
}

function buildBinary(type: DataType, values: readonly unknown[], path: string, bits: Bits): Data {
  const length = values.length;
  let total = 0;
  for (const value of values) {
    if (value instanceof Uint8Array) total += value.byteLength;
    else if (value !== null && value !== undefined) fail("a Uint8Array", value, path);
  }
  if (total > 0x7fffffff) throw unsupported((at) => `binary values at ${at} exceed 2 GiB in one message`, path);
  const data = new Uint8Array(total);
  const valueOffsets = new Int32Array(length + 1);
  let at = 0;
  for (let i = 0; i < length; i++) {
    const value = values[i] as Uint8Array | null | undefined;
    if (value === null || value === undefined) markNull(bits, i, length);
    else {
      data.set(value, at);
      at += value.byteLength;
    }
    valueOffsets[i + 1] = at;
  }
  return newData(type, length, bits.nulls, bits.bitmap, data, valueOffsets);
}

function buildList(type: List | FixedSizeList, values: readonly unknown[], path: string, bits: Bits): Data {
  const length = values.length;
  const size = type.typeId === Type.FixedSizeList ? (type as FixedSizeList).listSize : -1;
  const valueOffsets = size < 0 ? new Int32Array(length + 1) : undefined;
  const padded: unknown[] = [];
  let at = 0;
  for (let i = 0; i < length; i++) {
    const value = values[i];
    if (value === null || value === undefined) {
      markNull(bits, i, length);
      // A null row of a fixed-size list still owns `size` child slots.
      if (size > 0) for (let j = 0; j < size; j++) padded.push(null);
    } else if (!Array.isArray(value) && !(ArrayBuffer.isView(value) && !(value instanceof DataView))) fail("an array", value, path);
    else {
      const count = (value as ArrayLike<unknown>).length;
      if (size >= 0 && count !== size) fail(`an array of ${size} elements`, value, path);
      if (size > 0) for (let j = 0; j < count; j++) padded.push((value as ArrayLike<unknown>)[j]);
      at += count;
    }
    if (valueOffsets) valueOffsets[i + 1] = at;
  }
  if (at > 0x7fffffff) throw unsupported((at) => `lists at ${at} exceed 2^31 elements in one message`, path);
  const child = buildData(type.children[0]!.type, size >= 0 ? padded : flatten(values), itemPath(path));
  return newData(type, length, bits.nulls, bits.bitmap, undefined, valueOffsets, [child]);
}

function buildDictionary(type: Dictionary, values: readonly unknown[], path: string, bits: Bits): Data {
  const length = values.length;
  const indexOf = new Map<unknown, number>();
  const distinct: unknown[] = [];
  const indices = new (type.indices.ArrayType as Int32ArrayConstructor)(length);
  const limit = 2 ** (type.indices.bitWidth - (type.indices.isSigned ? 1 : 0));
  for (let i = 0; i < length; i++) {
    const value = values[i];
    if (value === null || value === undefined) {
      markNull(bits, i, length);
      continue;
    }
    let index = indexOf.get(value);
    if (index === undefined) {
      index = distinct.length;
      if (index >= limit) throw unsupported((at) => `more distinct values at ${at} than ${type.indices} indices can address`, path);
      indexOf.set(value, index);
      distinct.push(value);
    }
    indices[i] = index;
  }
  const dictionary = makeVector(buildData(type.dictionary, distinct, path));
  return newData(type, length, bits.nulls, bits.bitmap, indices, undefined, [], dictionary);
}
