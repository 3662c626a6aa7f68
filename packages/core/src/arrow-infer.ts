import {
  Binary,
  Bool,
  type DataType,
  Field,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  List,
  Null,
  Struct,
  TimestampMillisecond,
  Uint16,
  Uint32,
  Uint64,
  Uint8,
  Utf8,
} from "apache-arrow";
import { UnsupportedValueError } from "./errors.js";

/**
 * Type inference for plain JS values: which Arrow type a column of values becomes. The rules are
 * stable (a value of one shape always gives the same type, whatever the other rows hold, except
 * that an all-null column is Null) and documented in README.md and docs/payload-format.md:
 *
 * - number (integer-valued or not, NaN, ±Infinity) → Float64
 * - bigint → Int64 (outside the int64 range: UnsupportedValueError)
 * - string → Utf8; boolean → Bool; Date → Timestamp(ms); Uint8Array → Binary
 * - other typed arrays → List of their element type (Float32Array → List<Float32>...)
 * - array → List of the type inferred from all elements of all rows
 * - plain object → Struct; fields in first-seen order across rows; a field missing in a row is null
 * - null and undefined → a null slot; a column of only nulls → Null
 * - every struct field and list item is nullable
 * - anything else, or two kinds in one column (number and string, number and bigint...) →
 *   UnsupportedValueError with the path of the column.
 */

/** The leaf types inference gives, one shared object each (Arrow types are immutable). */
export const INFERRED = {
  NULL: new Null(),
  FLOAT64: new Float64(),
  INT64: new Int64(),
  UTF8: new Utf8(),
  BOOL: new Bool(),
  BINARY: new Binary(),
  TIMESTAMP: new TimestampMillisecond(),
} as const;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** The Arrow element type of each typed array constructor (Uint8Array is Binary, not here). */
const TYPED_ELEMENTS = new Map<unknown, () => DataType>([
  [Float64Array, () => new Float64()],
  [Float32Array, () => new Float32()],
  [Int8Array, () => new Int8()],
  [Int16Array, () => new Int16()],
  [Int32Array, () => new Int32()],
  [BigInt64Array, () => new Int64()],
  [Uint8ClampedArray, () => new Uint8()],
  [Uint16Array, () => new Uint16()],
  [Uint32Array, () => new Uint32()],
  [BigUint64Array, () => new Uint64()],
]);

type Kind = "number" | "bigint" | "string" | "boolean" | "date" | "binary" | "typed" | "array" | "object";

/** True for `{...}` literals and `Object.create(null)`: the objects that map to structs. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/*
 * Paths are built on every field of every message but read only when a value is rejected, so
 * they are kept as cheap concatenations with marker characters and rendered on error.
 */
const FIELD = "\u0001";
const ITEM = "\u0002";

/** The path of field `key` under `path` (render it with `renderPath`). */
export function childPath(path: string, key: string): string {
  return path + FIELD + key;
}

/** The path of the elements of the arrays at `path`. */
export function itemPath(path: string): string {
  return path + ITEM;
}

/** A path as errors show it: `$.name`, `$["odd key"]`, `$[]` for array elements. */
export function renderPath(path: string): string {
  return path.replace(/\u0001([^\u0001\u0002]*)|\u0002/g, (marker, key: string | undefined) =>
    marker === ITEM ? "[]" : /^[A-Za-z_$][\w$]*$/.test(key!) ? `.${key}` : `[${JSON.stringify(key)}]`,
  );
}

/** An UnsupportedValueError for the value at `path`; `message` gets the rendered path. */
export function unsupported(message: (path: string) => string, path: string): UnsupportedValueError {
  const shown = renderPath(path);
  return new UnsupportedValueError(message(shown), shown);
}

/** A short description of a value for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  return (value as object).constructor?.name ?? "object";
}

function kindOf(value: unknown, path: string): Kind {
  switch (typeof value) {
    case "number":
    case "bigint":
    case "string":
    case "boolean":
      return typeof value as Kind;
    case "object":
      if (Array.isArray(value)) return "array";
      if (value instanceof Date) return "date";
      if (value instanceof Uint8Array && !(value instanceof Uint8ClampedArray)) return "binary";
      if (ArrayBuffer.isView(value) && TYPED_ELEMENTS.has(value.constructor)) return "typed";
      if (isPlainObject(value)) return "object";
  }
  throw unsupported((at) => `cannot send a ${describeValue(value)} at ${at}; send plain values, arrays, plain objects, Dates, typed arrays, or an Arrow vector`, path);
}

/**
 * The Arrow type of a column holding `values` (the rows, or the values of one field across
 * rows). `path` names the column in errors (`childPath`, `itemPath`; `$` is the value).
 * @throws UnsupportedValueError for values of no supported kind, or two kinds in one column.
 */
export function inferType(values: readonly unknown[], path: string): DataType {
  let kind: Kind | undefined;
  let sample: unknown;
  for (const value of values) {
    if (value === null || value === undefined) continue;
    const next = kindOf(value, path);
    if (kind === undefined) {
      kind = next;
      sample = value;
    } else if (next !== kind || (kind === "typed" && (value as object).constructor !== (sample as object).constructor)) {
      throw unsupported((at) => `mixed values at ${at}: ${describeValue(sample)} and ${describeValue(value)}; give the column one type or pass an explicit type`, path);
    }
    if (next === "bigint" && ((value as bigint) < INT64_MIN || (value as bigint) > INT64_MAX)) {
      throw unsupported((at) => `bigint at ${at} is outside the int64 range`, path);
    }
  }
  switch (kind) {
    case undefined: return INFERRED.NULL;
    case "number": return INFERRED.FLOAT64;
    case "bigint": return INFERRED.INT64;
    case "string": return INFERRED.UTF8;
    case "boolean": return INFERRED.BOOL;
    case "date": return INFERRED.TIMESTAMP;
    case "binary": return INFERRED.BINARY;
    case "typed": return new List(new Field("item", TYPED_ELEMENTS.get((sample as object).constructor)!(), true));
    case "array": return new List(new Field("item", inferType(flatten(values), itemPath(path)), true));
    case "object": return inferStruct(values as readonly (Record<string, unknown> | null | undefined)[], path);
  }
}

function inferStruct(rows: readonly (Record<string, unknown> | null | undefined)[], path: string): Struct {
  const keys: string[] = [];
  if (rows.length === 1) keys.push(...Object.keys(rows[0]!));
  else {
    const seen = new Set<string>();
    for (const row of rows) {
      if (!row) continue;
      for (const key of Object.keys(row)) if (!seen.has(key)) (seen.add(key), keys.push(key));
    }
  }
  const fields = keys.map((key) => new Field(key, inferType(column(rows, key), childPath(path, key)), true));
  return new Struct(fields);
}

/** The values of field `key` across `rows` (null where a row is null or lacks the field). */
export function column(rows: readonly unknown[], key: string): unknown[] {
  const out = new Array<unknown>(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = (rows[i] as Record<string, unknown> | null | undefined)?.[key];
  return out;
}

/** All elements of the arrays (or typed arrays) among `values`, in order; nulls skipped. */
export function flatten(values: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const value of values) {
    if (value === null || value === undefined) continue;
    const elements = value as ArrayLike<unknown>;
    for (let i = 0; i < elements.length; i++) out.push(elements[i]);
  }
  return out;
}
