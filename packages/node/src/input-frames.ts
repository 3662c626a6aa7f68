import { ChannelMismatchError, type FrameLease, type Metadata } from "@rivulet/core";
import { type DecodedFrame, PayloadEncoding, TypeTable, compactTypeId, frameFieldsOf } from "@rivulet/core/internal";
import { LazyInputEvent } from "./input-event.js";

/**
 * What a node knows about the frames of each input: the planned channel id they must carry, and
 * the types their producer defined by id (TYPE_DEFINITION frames), so that a message becomes an
 * INPUT event with its type resolved when it arrives.
 */
const EMPTY_FRAME = { encoding: PayloadEncoding.EMPTY, payload: new Uint8Array(0) };

export class InputFrames {
  readonly #channelIds = new Map<string, number>();
  readonly #typeTables = new Map<string, TypeTable>();

  constructor(private readonly nodeId: string) {}

  /** Frames of `inputId` must carry `channelId` (its planned channel). */
  expectChannel(inputId: string, channelId: number): void {
    this.#channelIds.set(inputId, channelId);
  }

  /**
   * Checks a decoded frame's channel and records it when it is a TYPE_DEFINITION (the table
   * copies what it needs, not the frame). True for a definition: it is not a message.
   * @throws ChannelMismatchError for a frame of another channel; FrameDecodeError for a bad definition.
   */
  takeDefinition(inputId: string, decoded: DecodedFrame): boolean {
    const expected = this.#channelIds.get(inputId);
    if (expected !== undefined && decoded.channelId !== expected) throw new ChannelMismatchError(this.nodeId, inputId, expected, decoded.channelId);
    if (decoded.encoding !== PayloadEncoding.TYPE_DEFINITION) return false;
    this.#table(inputId).define(decoded.payload);
    return true;
  }

  /**
   * The INPUT event of a message, its type resolved now when it names one by id.
   * @throws UnknownTypeIdError for a payload naming a type no definition on this input named.
   */
  event(inputId: string, decoded: DecodedFrame, lease?: FrameLease): LazyInputEvent {
    const id = decoded.encoding === PayloadEncoding.ARROW_COMPACT ? compactTypeId(decoded.payload) : undefined;
    const type = id === undefined ? undefined : this.#table(inputId).typeOf(id);
    const fields = frameFieldsOf(decoded);
    const metadata: Metadata = fields ? { timestamp: decoded.timestamp, parameters: decoded.parameters, ...fields } : { timestamp: decoded.timestamp, parameters: decoded.parameters };
    return new LazyInputEvent(inputId, decoded, metadata, type, lease);
  }

  /** The INPUT event of a daemon timer tick: an empty value at `timestamp`. */
  static tick(inputId: string, timestamp: number): LazyInputEvent {
    return new LazyInputEvent(inputId, EMPTY_FRAME, { timestamp, parameters: {} });
  }

  #table(inputId: string): TypeTable {
    let table = this.#typeTables.get(inputId);
    if (!table) this.#typeTables.set(inputId, (table = new TypeTable(undefined, inputId, this.nodeId)));
    return table;
  }
}
