import { MAX_TYPE_IDS_PER_OUTPUT } from "./constants.js";
import { fnv1a, sameBytes } from "./type-cache.js";
import { encodeTypeDefinition } from "./type-definition.js";

/** A type id assigned by an encoder, with the TYPE_DEFINITION payload that must precede its first use. */
export interface AssignedTypeId {
  id: number;
  /** The TYPE_DEFINITION payload for this id (made once, shared by every message of the type). */
  definition: Uint8Array;
}

/**
 * The type ids of one output: each distinct compact type descriptor gets the next u32 id, up to
 * `maxIds`; ids are never reused, so a receiver's table never needs an id taken back. Lookup
 * goes first by descriptor object (descriptors are memoized per type object, and inferred types
 * are interned), then by bytes.
 */
export class TypeIdRegistry {
  readonly #byObject = new WeakMap<Uint8Array, AssignedTypeId>();
  readonly #byHash = new Map<number, { bytes: Uint8Array; assigned: AssignedTypeId }[]>();
  #next = 0;

  constructor(readonly maxIds = MAX_TYPE_IDS_PER_OUTPUT) {}

  /** Ids assigned so far. */
  get size(): number {
    return this.#next;
  }

  /** The id of `descriptor`, assigned on first sight; undefined once `maxIds` are taken (send it inline then). */
  idOf(descriptor: Uint8Array): AssignedTypeId | undefined {
    const known = this.#byObject.get(descriptor);
    if (known) return known;
    const hash = fnv1a(descriptor);
    const bucket = this.#byHash.get(hash);
    if (bucket) {
      for (const entry of bucket) {
        if (sameBytes(entry.bytes, descriptor)) {
          this.#byObject.set(descriptor, entry.assigned);
          return entry.assigned;
        }
      }
    }
    if (this.#next >= this.maxIds) return undefined;
    const bytes = descriptor.slice();
    const assigned: AssignedTypeId = { id: this.#next++, definition: encodeTypeDefinition({ id: this.#next - 1, descriptor: bytes }) };
    if (bucket) bucket.push({ bytes, assigned });
    else this.#byHash.set(hash, [{ bytes, assigned }]);
    this.#byObject.set(descriptor, assigned);
    return assigned;
  }
}
