import { didYouMean } from "@rivulet/core";
import { Bool, type DataType, Field, Float32, Float64, Int16, Int32, Int64, Int8, List, Struct, TimestampMillisecond, Type, Uint16, Uint32, Uint64, Uint8, Utf8 } from "apache-arrow";

/**
 * The declared schema of a JSON subscribe entry, as the YAML writes it: a type name
 * (`float64`), a mapping (a struct, its fields in the YAML's order) or a one-element list
 * (`[float64]`, a list of that type). It gives the Arrow type of one row, so that a field's type
 * does not change from message to message (`21` and `21.5` are both float64, a missing field is
 * null rather than a narrower struct).
 */
export type SchemaSpec = string | readonly SchemaSpec[] | { readonly [field: string]: SchemaSpec };

/** Every type name a schema takes. */
export const SCHEMA_TYPE_NAMES = ["float64", "float32", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "bool", "utf8", "timestamp_ms"] as const;

const LEAVES: Record<(typeof SCHEMA_TYPE_NAMES)[number], () => DataType> = {
  float64: () => new Float64(),
  float32: () => new Float32(),
  int8: () => new Int8(),
  int16: () => new Int16(),
  int32: () => new Int32(),
  int64: () => new Int64(),
  uint8: () => new Uint8(),
  uint16: () => new Uint16(),
  uint32: () => new Uint32(),
  uint64: () => new Uint64(),
  bool: () => new Bool(),
  utf8: () => new Utf8(),
  timestamp_ms: () => new TimestampMillisecond(),
};

/** A problem in a schema, `path` relative to the schema itself. */
export interface SchemaIssue {
  path: (string | number)[];
  message: string;
  suggestion?: string;
}

/** Checks a schema as written in the YAML; an empty array when it is valid. */
export function validateSchema(spec: unknown, path: (string | number)[] = []): SchemaIssue[] {
  if (typeof spec === "string") {
    if ((SCHEMA_TYPE_NAMES as readonly string[]).includes(spec)) return [];
    const suggestion = didYouMean(spec, SCHEMA_TYPE_NAMES);
    return [{ path, message: `unknown type '${spec}': a schema takes ${SCHEMA_TYPE_NAMES.join(", ")}, a mapping (struct) or [type] (list)`, ...(suggestion ? { suggestion } : {}) }];
  }
  if (Array.isArray(spec)) {
    if (spec.length !== 1) return [{ path, message: `a list type is written [type], with one element, not ${spec.length}` }];
    return validateSchema(spec[0], [...path, 0]);
  }
  if (typeof spec === "object" && spec !== null) {
    const fields = Object.entries(spec);
    if (fields.length === 0) return [{ path, message: "a struct needs at least one field" }];
    return fields.flatMap(([name, field]) => validateSchema(field, [...path, name]));
  }
  return [{ path, message: `a schema type must be a type name, a mapping or [type], not ${JSON.stringify(spec)}` }];
}

/**
 * The Arrow type of a valid schema; every struct field and list item is nullable (a field
 * missing from a payload is null).
 * @throws RangeError for a schema `validateSchema` refuses.
 */
export function schemaType(spec: SchemaSpec): DataType {
  if (validateSchema(spec).length > 0) throw new RangeError(`invalid schema ${JSON.stringify(spec)}`);
  return toType(spec);
}

function toType(spec: SchemaSpec): DataType {
  if (typeof spec === "string") return LEAVES[spec as keyof typeof LEAVES]();
  if (Array.isArray(spec)) return new List(new Field("item", toType(spec[0] as SchemaSpec), true));
  return new Struct(Object.entries(spec).map(([name, field]) => new Field(name, toType(field), true)));
}

/**
 * `value` with what JSON cannot write turned into what Arrow building takes: a timestamp given
 * as an ISO 8601 string becomes a Date (a number stays epoch milliseconds). Everything else is
 * returned as is, for `buildData` to accept or refuse.
 */
export function prepareForType(type: DataType, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  switch (type.typeId) {
    case Type.Timestamp: {
      if (typeof value !== "string") return value;
      const ms = Date.parse(value);
      return Number.isNaN(ms) ? value : new Date(ms);
    }
    case Type.List:
      return Array.isArray(value) ? value.map((item) => prepareForType((type as List).valueType, item)) : value;
    case Type.Struct: {
      if (typeof value !== "object" || Array.isArray(value)) return value;
      const record = value as Record<string, unknown>;
      return Object.fromEntries((type as Struct).children.map((field) => [field.name, prepareForType(field.type, record[field.name])]));
    }
    default:
      return value;
  }
}
