import { type InputEvent, type Metadata } from "@rivulet/core";
import { type DecodedFrame, decodeValue } from "@rivulet/core/internal";
import type { DataType, Vector } from "apache-arrow";

/**
 * An INPUT event whose Arrow `value` is built on first access, so a node that only looks at
 * `data` or `metadata` never pays for decoding.
 */
export class LazyInputEvent implements InputEvent {
  readonly type = "INPUT" as const;
  readonly metadata: Metadata;
  #value: Vector | undefined;

  constructor(
    readonly id: string,
    private readonly frame: Pick<DecodedFrame, "encoding" | "payload">,
    metadata: Metadata,
    /** The type of a compact payload that names its type by id, resolved when it was received. */
    private readonly typeById?: DataType,
  ) {
    this.metadata = metadata;
  }

  /**
   * The payload as an Arrow vector.
   * @throws FrameDecodeError when the payload bytes do not match their encoding.
   */
  get value(): Vector {
    const type = this.typeById;
    this.#value ??= decodeValue(this.frame.encoding, this.frame.payload, type ? { byId: () => type } : undefined);
    return this.#value;
  }

  get data(): Uint8Array {
    return this.frame.payload;
  }
}
