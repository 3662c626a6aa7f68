import type { DataType } from "apache-arrow";
import { DEFAULT_TYPE_CACHE_ENTRIES } from "./constants.js";
import { parseTypeDescriptor } from "./type-descriptor.js";

interface Entry {
  bytes: Uint8Array;
  type: DataType;
}

/**
 * Arrow types by their compact type descriptor bytes, so that decoding a stream of messages of
 * one shape parses the descriptor and builds the `DataType` once, not per message; every
 * message of that shape then shares one type object. Lookup hashes the bytes (FNV-1a) and
 * compares them, without allocating.
 *
 * Bounded: when `maxEntries` distinct descriptors have been seen the cache is emptied and
 * starts again (a stream whose shape keeps changing pays the parse, never unbounded memory).
 * One per decoder; the module keeps a default one for `decodeValue`.
 */
export class TypeDescriptorCache {
  readonly #entries = new Map<number, Entry[]>();
  #size = 0;

  constructor(readonly maxEntries = DEFAULT_TYPE_CACHE_ENTRIES) {}

  /** Distinct descriptors held. */
  get size(): number {
    return this.#size;
  }

  /**
   * The type described by `bytes`, parsed on first sight. `bytes` may be a view into a
   * received frame: the cache keeps its own copy.
   * @throws FrameDecodeError when the bytes are not a valid descriptor (nothing is cached then).
   */
  typeOf(bytes: Uint8Array): DataType {
    const hash = fnv1a(bytes);
    const bucket = this.#entries.get(hash);
    if (bucket) {
      for (const entry of bucket) if (sameBytes(entry.bytes, bytes)) return entry.type;
    }
    const type = parseTypeDescriptor(bytes);
    this.remember(hash, bytes.slice(), type);
    return type;
  }

  /**
   * The cached type equal to `type` by descriptor (`bytes` is its descriptor, copied when kept),
   * or `type` itself, which is then cached. Encoders use it so that every message of one inferred shape carries
   * the same type object, whose descriptor is then memoized.
   */
  intern(bytes: ArrayLike<number>, type: DataType): DataType {
    const hash = fnv1a(bytes);
    const bucket = this.#entries.get(hash);
    if (bucket) {
      for (const entry of bucket) if (sameBytes(entry.bytes, bytes)) return entry.type;
    }
    this.remember(hash, Uint8Array.from(bytes), type);
    return type;
  }

  private remember(hash: number, bytes: Uint8Array, type: DataType): void {
    if (this.#size >= this.maxEntries) {
      this.#entries.clear();
      this.#size = 0;
    }
    const bucket = this.#entries.get(hash);
    if (bucket) bucket.push({ bytes, type });
    else this.#entries.set(hash, [{ bytes, type }]);
    this.#size++;
  }
}

/** FNV-1a hash of bytes (also keys type ids by descriptor, type-ids.ts). */
export function fnv1a(bytes: ArrayLike<number>): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
  return hash >>> 0;
}

/** True when both hold the same bytes. */
export function sameBytes(a: Uint8Array, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
