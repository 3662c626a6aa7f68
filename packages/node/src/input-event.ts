import { type FrameLease, FrameReleasedError, type InputEvent, type Metadata } from "@rivulet/core";
import { type DecodedFrame, PayloadEncoding, decodeValue, readRecord, toRows } from "@rivulet/core/internal";
import type { DataType, Vector } from "apache-arrow";

/**
 * An INPUT event whose Arrow `value` is built on first access, so a node that only looks at
 * `data` or `metadata` never pays for decoding.
 *
 * When its transport lent the frame's memory (`lease`), the event gives it back by the SDK's
 * rule (see `InputEvent.retain`): `settle()` when the program takes the next event releases it
 * unless the bytes were read or retained; `drop()` when the queue dropped or discarded it; the
 * program's own `release()`. Bytes read after the SDK gave them back throw FrameReleasedError.
 */
export class LazyInputEvent implements InputEvent {
  readonly type = "INPUT" as const;
  readonly metadata: Metadata;
  #value: Vector | undefined;
  #lease: FrameLease | undefined;
  /** The program read the bytes (or asked to keep them): only it, or the garbage collector, gives them back. */
  #kept = false;
  #released = false;

  constructor(
    readonly id: string,
    private readonly frame: Pick<DecodedFrame, "encoding" | "payload">,
    metadata: Metadata,
    /** The type of a compact payload that names its type by id, resolved when it was received. */
    private readonly typeById?: DataType,
    lease?: FrameLease,
  ) {
    this.metadata = metadata;
    this.#lease = lease;
  }

  /**
   * The payload as an Arrow vector.
   * @throws FrameDecodeError when the payload bytes do not match their encoding; FrameReleasedError
   *   when they were given back to the transport before being read.
   */
  get value(): Vector {
    if (this.#value) return this.#value;
    const type = this.typeById;
    this.#value = decodeValue(this.frame.encoding, this.#payload(), type ? { byId: () => type } : undefined);
    return this.#value;
  }

  rows(): unknown[] {
    // A flat record is read straight from the bytes; anything else through the Arrow vector.
    if (this.#value === undefined && this.frame.encoding === PayloadEncoding.ARROW_COMPACT) {
      const type = this.typeById;
      const record = readRecord(this.#payload(), type ? { byId: () => type } : undefined);
      if (record) return [record];
    }
    return toRows(this.value);
  }

  get data(): Uint8Array {
    return this.#payload();
  }

  retain(): void {
    this.#kept = true;
  }

  release(): void {
    this.#kept = true; // the program said so: its views are its own business now
    this.#giveBack();
  }

  /** The program took the next event: bytes it never read nor retained go back to the transport. */
  settle(): void {
    if (!this.#kept && this.#lease) {
      this.#released = true;
      this.#giveBack();
    }
  }

  /** The queue dropped or discarded this event: it never reached the program. */
  drop(): void {
    this.#giveBack();
  }

  #payload(): Uint8Array {
    if (this.#released) throw new FrameReleasedError(this.id);
    this.#kept = true;
    return this.frame.payload;
  }

  #giveBack(): void {
    const lease = this.#lease;
    this.#lease = undefined;
    lease?.release();
  }
}
