import type { DataType } from "apache-arrow";
import { MAX_TYPE_IDS_PER_OUTPUT } from "./constants.js";
import { FrameDecodeError, UnknownTypeIdError } from "./errors.js";
import { TypeDescriptorCache } from "./type-cache.js";
import { decodeTypeDefinition } from "./type-definition.js";

/**
 * The receiving side of type ids: the types one input's producer defined with TYPE_DEFINITION
 * frames, by id. A later definition of an id replaces the earlier one. Types are parsed through
 * a descriptor cache, so an id and an inline descriptor of one shape share one type object.
 * Bounded: a producer defines at most MAX_TYPE_IDS_PER_OUTPUT ids (a restarted one reuses
 * them), so more distinct ids than that are corruption, not growth.
 */
export class TypeTable {
  readonly #types = new Map<number, DataType>();

  constructor(
    private readonly cache = new TypeDescriptorCache(),
    /** Named in UnknownTypeIdError. */
    readonly inputId?: string,
    readonly nodeId?: string,
    readonly maxIds = MAX_TYPE_IDS_PER_OUTPUT,
  ) {}

  /** Ids defined. */
  get size(): number {
    return this.#types.size;
  }

  /**
   * Records the definition in a TYPE_DEFINITION payload.
   * @throws FrameDecodeError when the payload or its descriptor is malformed, or it defines a new
   *   id beyond `maxIds` (nothing is recorded then).
   */
  define(payload: Uint8Array): number {
    const { id, descriptor } = decodeTypeDefinition(payload);
    if (this.#types.size >= this.maxIds && !this.#types.has(id)) {
      throw new FrameDecodeError(`TYPE_DEFINITION of type id ${id} is one more than the ${this.maxIds} ids a producer may define${this.inputId ? ` (input '${this.inputId}'${this.nodeId ? ` of node '${this.nodeId}'` : ""})` : ""}`, 0);
    }
    this.#types.set(id, this.cache.typeOf(descriptor));
    return id;
  }

  /**
   * The type defined for `id`.
   * @throws UnknownTypeIdError when no definition of `id` was recorded.
   */
  typeOf(id: number): DataType {
    const type = this.#types.get(id);
    if (!type) throw new UnknownTypeIdError(id, this.inputId, this.nodeId);
    return type;
  }
}
