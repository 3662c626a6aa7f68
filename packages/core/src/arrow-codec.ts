import { type DataType, Table, Type, Vector, makeData, makeVector, tableFromIPC, tableToIPC, vectorFromArray } from "apache-arrow";
import { FrameDecodeError, UnsupportedValueError } from "./errors.js";
import { PayloadEncoding } from "./frame-codec.js";
import { INFERRED, inferType, isPlainObject, itemPath, renderPath } from "./arrow-infer.js";
import { buildData, isBuildable } from "./arrow-build.js";
import { newData } from "./arrow-data.js";
import { encodeCompact } from "./compact-layout.js";
import { decodeCompact } from "./compact-reader.js";
import { RecordLayouts, RecordReader } from "./record-layout.js";
import { TypeDescriptorCache } from "./type-cache.js";
import { type AssignedTypeId, TypeIdRegistry } from "./type-ids.js";
import { describeType, writeTypeDescriptor } from "./type-descriptor.js";

/**
 * Turns values into payload bytes and back (docs/payload-format.md).
 *
 * Plain values are inferred (arrow-infer.ts) and built directly over typed arrays
 * (arrow-build.ts); every covered type, nested structs and lists included, travels in the
 * compact layout (compact-layout.ts, compact-reader.ts), which the receiver views without
 * copying. Other types (unions, maps, decimals...), sliced vectors and chunked vectors go as an
 * Arrow IPC stream of one column.
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
  | Date
  | null
  | undefined
  | readonly unknown[]
  | { readonly [key: string]: unknown };

/** An encoded payload: how to read it, and its bytes in order (not concatenated). */
export interface EncodedPayload {
  encoding: PayloadEncoding;
  chunks: Uint8Array[];
  byteLength: number;
  /**
   * Set when the payload names its type by id: the id and the TYPE_DEFINITION payload that
   * must reach each receiver before this payload (once per receiver, see SendOptions.prelude).
   */
  typeDefinition?: AssignedTypeId;
}

/** Per-call options of `encodeValue`. */
export interface EncodeOptions {
  /**
   * The Arrow type of each row, instead of inferring one: `5` with `new Int32()` is one Int32
   * row, `[1, 2]` two; `{ a: 1 }` with a Struct one row. A top-level array is always rows, so
   * one row of a list is `[[1, 2]]`. Ignored for Arrow vectors, tables and typed arrays, which
   * carry their own type (a Uint8Array stays RAW). Types the direct builder does not cover go through `vectorFromArray`.
   */
  type?: DataType;
}

/** Per-call options of `decodeValue`. */
export interface DecodeOptions {
  /** Where decoded types are cached by descriptor; one per decoder (default: one per process). */
  types?: TypeDescriptorCache;
  /**
   * The type of a compact payload that names its type by id (a TypeTable's `typeOf`, bound);
   * without it such a payload is an UnknownTypeIdError.
   */
  byId?: (id: number) => DataType;
}

const EMPTY_PAYLOAD: EncodedPayload = Object.freeze({ encoding: PayloadEncoding.EMPTY, chunks: [], byteLength: 0 }) as EncodedPayload;

/**
 * An encoder with its own cache of inferred types, so that every message of one shape carries
 * the same type object and its descriptor is written once. Kept per output. With `typeIds`, each
 * distinct compact type gets an id (up to MAX_TYPE_IDS_PER_OUTPUT, then descriptors go inline
 * again) and compact payloads carry the id instead of the descriptor; the payload's
 * `typeDefinition` must then reach every receiver before it (docs/payload-format.md).
 */
export class ValueEncoder {
  readonly types: TypeDescriptorCache;
  /** The type ids of this encoder, when it sends types by id. */
  readonly typeIds: TypeIdRegistry | undefined;
  /** Reused for the descriptor of each inferred type: most are cache hits and need no bytes of their own. */
  readonly #scratch: number[] = [];
  /** The fast path for flat records of numbers, strings, booleans and bigints (record-layout.ts). */
  readonly #records = new RecordLayouts();

  constructor(init: { types?: TypeDescriptorCache; typeIds?: boolean | TypeIdRegistry } = {}) {
    this.types = init.types ?? new TypeDescriptorCache();
    this.typeIds = init.typeIds instanceof TypeIdRegistry ? init.typeIds : init.typeIds ? new TypeIdRegistry() : undefined;
  }

  /**
   * Encodes a value for sending. null and undefined are an EMPTY payload; a Uint8Array is RAW
   * bytes; everything else an Arrow column, one row per element of a
   * top-level array, else one row.
   * @throws UnsupportedValueError (with `path`) for values of no supported kind, mixed kinds in
   *   one column, or values that do not fit `options.type`.
   */
  encode(value: SendableValue, options?: EncodeOptions): EncodedPayload {
    if (value === null || value === undefined) return EMPTY_PAYLOAD;
    if (value instanceof Uint8Array && !(value instanceof Uint8ClampedArray)) {
      return { encoding: PayloadEncoding.RAW, chunks: [value], byteLength: value.byteLength };
    }
    if (options?.type === undefined && isPlainObject(value)) {
      const record = this.#records.encode(value, this.typeIds);
      if (record) {
        const payload: EncodedPayload = { encoding: PayloadEncoding.ARROW_COMPACT, chunks: record.chunks, byteLength: record.byteLength };
        if (record.typeDefinition) payload.typeDefinition = record.typeDefinition;
        return payload;
      }
    }
    return encodeVector(this.toVector(value, options), this.typeIds);
  }

  /**
   * Converts what `sendOutput` accepts into an Arrow vector, by the rules of `encode`.
   * @throws UnsupportedValueError as `encode` does.
   */
  toVector(value: Exclude<SendableValue, null | undefined>, options?: EncodeOptions): Vector {
    if (value instanceof Vector) return value;
    if (value instanceof Table) return new Vector(value.data);
    if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return makeVector(value as Float64Array);
    if (value instanceof DataView) throw new UnsupportedValueError("a DataView cannot be sent; pass a typed array or Uint8Array", "$");
    const rows: readonly unknown[] = Array.isArray(value) ? value : [value];
    const path = Array.isArray(value) ? itemPath("$") : "$";
    const explicit = options?.type;
    if (explicit) {
      if (isBuildable(explicit)) return new Vector([buildData(explicit, rows, path)]);
      try {
        return vectorFromArray(rows as unknown[], explicit);
      } catch (cause) {
        throw new UnsupportedValueError(`cannot build ${explicit} from this value`, renderPath(path), { cause });
      }
    }
    if (typeof value === "number") {
      const data = new Float64Array(1);
      data[0] = value;
      return new Vector([newData(INFERRED.FLOAT64, 1, 0, undefined, data)]);
    }
    return new Vector([buildData(this.canonical(inferType(rows, path)), rows, path)]);
  }

  /** The cached type object equal to `type`, so nested inferred types are described once. */
  private canonical(type: DataType): DataType {
    if (type.typeId !== Type.Struct && type.typeId !== Type.List) return type;
    return writeTypeDescriptor(type, this.#scratch) ? this.types.intern(this.#scratch, type) : type;
  }
}

const defaultEncoder = new ValueEncoder();
const defaultTypes = new TypeDescriptorCache();

/**
 * Encodes a value for sending, with a process-wide `ValueEncoder` (see there for the rules).
 * @throws UnsupportedValueError (with `path`) for values Arrow cannot represent (functions,
 *   symbols, class instances, mixed columns) or that do not fit `options.type`.
 */
export function encodeValue(value: SendableValue, options?: EncodeOptions): EncodedPayload {
  return defaultEncoder.encode(value, options);
}

/** Converts what `sendOutput` accepts into an Arrow vector (see `ValueEncoder.encode`). */
export function toVector(value: Exclude<SendableValue, null | undefined>, options?: EncodeOptions): Vector {
  return defaultEncoder.toVector(value, options);
}

/**
 * Encodes an Arrow vector: compactly when it is one unsliced chunk of covered types (its type by
 * id when `typeIds` has or gives one), else as an Arrow IPC stream of one column named `value`.
 */
export function encodeVector(vector: Vector, typeIds?: TypeIdRegistry): EncodedPayload {
  if (vector.data.length === 1) {
    const data = vector.data[0]!;
    const descriptor = describeType(data.type);
    if (descriptor) {
      const assigned = typeIds?.idOf(descriptor);
      const compact = encodeCompact(data, descriptor, assigned?.id);
      if (compact) {
        const payload: EncodedPayload = { encoding: PayloadEncoding.ARROW_COMPACT, chunks: compact.chunks, byteLength: compact.byteLength };
        if (assigned) payload.typeDefinition = assigned;
        return payload;
      }
    }
  }
  const ipc = tableToIPC(new Table({ value: vector }), "stream");
  return { encoding: PayloadEncoding.ARROW_IPC, chunks: [ipc], byteLength: ipc.byteLength };
}

const defaultRecords = new RecordReader(defaultTypes);
const recordReaders = new WeakMap<TypeDescriptorCache, RecordReader>();

/**
 * A compact payload that holds one flat record (numbers, strings, booleans, bigints, none null:
 * what record-layout.ts writes) read straight into a plain object, without building Arrow data;
 * undefined for any other payload, which `decodeValue` then reads (and checks) in full.
 */
export function readRecord(payload: Uint8Array, options?: DecodeOptions): Record<string, unknown> | undefined {
  const types = options?.types;
  let reader = defaultRecords;
  if (types && types !== defaultTypes) {
    reader = recordReaders.get(types) ?? new RecordReader(types);
    recordReaders.set(types, reader);
  }
  return reader.read(payload, options?.byId);
}

/**
 * Decodes a payload into an Arrow vector, viewing the payload's bytes where alignment allows.
 * Decoded types are cached by descriptor (`options.types`), so messages of one shape share one
 * type object.
 * @throws FrameDecodeError when the bytes do not match the encoding (truncated, corrupted);
 *   never another error.
 */
export function decodeValue(encoding: PayloadEncoding, payload: Uint8Array, options?: DecodeOptions): Vector {
  switch (encoding) {
    case PayloadEncoding.RAW:
      return makeVector(payload);
    case PayloadEncoding.EMPTY:
      return makeVector(makeData({ type: INFERRED.NULL, length: 0 }));
    case PayloadEncoding.ARROW_IPC: {
      let column: Vector | null;
      try {
        column = tableFromIPC(payload).getChildAt(0);
      } catch (cause) {
        throw new FrameDecodeError("payload is not a valid Arrow IPC stream", undefined, { cause });
      }
      if (!column) throw new FrameDecodeError("Arrow IPC payload has no column");
      return column;
    }
    case PayloadEncoding.ARROW_COMPACT:
      try {
        return new Vector([decodeCompact(payload, options?.types ?? defaultTypes, options?.byId)]);
      } catch (cause) {
        if (cause instanceof FrameDecodeError) throw cause;
        // The reader checks every bound it knows of; anything else Arrow throws is still bad bytes.
        throw new FrameDecodeError("compact payload is malformed", undefined, { cause });
      }
    case PayloadEncoding.TYPE_DEFINITION:
      throw new FrameDecodeError("a TYPE_DEFINITION frame defines a type id and carries no value");
    default:
      throw new FrameDecodeError(`unknown payload encoding ${String(encoding)}`);
  }
}
