import { type Data, type DataType, type FixedSizeList, type Float, Precision, type Struct, Type, type Vector, makeVector } from "apache-arrow";

/**
 * A vector's rows as plain JS values, read straight from its buffers: what `event.rows()` gives.
 * Arrow's own accessors (`vector.get(i)`, a struct row's fields) go through a visitor and a
 * Proxy per access, several microseconds for a five-field record; a reader compiled once per
 * type object (decoded types are cached, so once per shape) costs a fraction of that.
 *
 * - numbers of up to 32 bits and floats → number; Int64 and Uint64 → bigint
 * - Bool → boolean; Utf8 → string; Binary → a Uint8Array view of the payload (no copy)
 * - Timestamp, Date → what Arrow's `get` gives (epoch milliseconds)
 * - List and FixedSizeList → array; Struct → plain object (every field, null where null)
 * - Dictionary → the dictionary's value; a null slot → null
 * - other types (decimals, unions, maps, intervals...) → Arrow's `get(i)`
 */
export function toRows(vector: Vector): unknown[] {
  const rows = new Array<unknown>(vector.length);
  let at = 0;
  for (const data of vector.data) {
    const read = readerOf(data.type);
    for (let i = 0; i < data.length; i++) rows[at++] = read(data, i);
  }
  return rows;
}

/**
 * Reads row `i` of `data`. Arrow's `slice` advances value and offset buffers (and the children
 * of structs and fixed-size lists) but not validity bitmaps or Bool values, which take
 * `data.offset + i`; everything else takes `i`, as Arrow's own getters do.
 */
type Reader = (data: Data, i: number) => unknown;

const readers = new WeakMap<DataType, Reader>();

function readerOf(type: DataType): Reader {
  let reader = readers.get(type);
  if (!reader) readers.set(type, (reader = nullable(compile(type))));
  return reader;
}

function isNull(data: Data, i: number): boolean {
  if (data.nullCount === 0 || !data.nullBitmap || data.nullBitmap.byteLength === 0) return false;
  const at = data.offset + i;
  return ((data.nullBitmap[at >> 3]! >> (at & 7)) & 1) === 0;
}

function nullable(read: Reader): Reader {
  return (data, i) => (isNull(data, i) ? null : read(data, i));
}

const utf8 = new TextDecoder();

function compile(type: DataType): Reader {
  switch (type.typeId) {
    case Type.Null:
      return () => null;
    case Type.Bool:
      return (data, i) => {
        const at = data.offset + i;
        return ((data.values[at >> 3] >> (at & 7)) & 1) === 1;
      };
    case Type.Int:
    case Type.Float:
      // Float16 is stored as uint16 bits: only Arrow's accessor turns it into a number.
      if (type.typeId === Type.Float && (type as Float).precision === Precision.HALF) return viaArrow;
      return (data, i) => data.values[i];
    case Type.Utf8:
      return (data, i) => {
        const offsets = data.valueOffsets as Int32Array;
        return utf8.decode((data.values as Uint8Array).subarray(offsets[i], offsets[i + 1]));
      };
    case Type.Binary:
      return (data, i) => {
        const offsets = data.valueOffsets as Int32Array;
        return (data.values as Uint8Array).subarray(offsets[i], offsets[i + 1]);
      };
    case Type.List: {
      const item = readerOf((type as DataType<Type.List>).children[0]!.type);
      return (data, i) => {
        const offsets = data.valueOffsets as Int32Array;
        const child = data.children[0]!;
        const out = new Array<unknown>(offsets[i + 1]! - offsets[i]!);
        for (let k = 0; k < out.length; k++) out[k] = item(child, offsets[i]! + k);
        return out;
      };
    }
    case Type.FixedSizeList: {
      const size = (type as FixedSizeList).listSize;
      const item = readerOf((type as FixedSizeList).children[0]!.type);
      return (data, i) => {
        const child = data.children[0]!;
        const start = i * size;
        const out = new Array<unknown>(size);
        for (let k = 0; k < size; k++) out[k] = item(child, start + k);
        return out;
      };
    }
    case Type.Struct: {
      const fields = (type as Struct).children;
      const names = fields.map((field) => field.name);
      const items = fields.map((field) => readerOf(field.type));
      // Copying a template with the keys in order is cheaper than adding keys one by one; a
      // field named __proto__ cannot live in one (assigning it would set the prototype).
      const template: Record<string, unknown> | undefined = names.includes("__proto__") ? undefined : Object.fromEntries(names.map((name) => [name, null]));
      return (data, i) => {
        const out: Record<string, unknown> = template ? { ...template } : {};
        for (let k = 0; k < names.length; k++) {
          const value = items[k]!(data.children[k]!, i);
          if (template) out[names[k]!] = value;
          else Object.defineProperty(out, names[k]!, { value, enumerable: true, writable: true, configurable: true });
        }
        return out;
      };
    }
    case Type.Dictionary:
      return (data, i) => {
        const dictionary = data.dictionary!;
        const index = Number(data.values[i]);
        return dictionary.data.length === 1 ? readerOf(dictionary.type)(dictionary.data[0]!, index) : toRows(dictionary)[index];
      };
    default:
      return viaArrow;
  }
}

function viaArrow(data: Data, i: number): unknown {
  return makeVector(data).get(i);
}
