import { type InputEvent, type Metadata } from "@rivulet/core";
import { type DecodedFrame, PayloadEncoding, decodeValue, readRecord, toRows } from "@rivulet/core/internal";
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

  rows(): unknown[] {
    // A flat record is read straight from the bytes; anything else through the Arrow vector.
    if (this.#value === undefined && this.frame.encoding === PayloadEncoding.ARROW_COMPACT) {
      const type = this.typeById;
      const record = readRecord(this.frame.payload, type ? { byId: () => type } : undefined);
      if (record) return [record];
    }
    return toRows(this.value);
  }

  get data(): Uint8Array {
    return this.frame.payload;
  }
}
