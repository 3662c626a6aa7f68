import type { InputEvent, Metadata, NodeEvent, SendableValue } from "@rivulet/core";
import { PayloadEncoding, decodeValue, encodeValue, toRows, toVector } from "@rivulet/core/internal";
import type { Vector } from "apache-arrow";

/**
 * An INPUT event under the operator's own input id (`tick` for the runtime's `doubler/tick`);
 * everything else is the received event's, read through (its lazy value, its lease).
 */
export class RenamedInput implements InputEvent {
  readonly type = "INPUT" as const;

  constructor(
    readonly id: string,
    private readonly event: InputEvent,
  ) {}

  get value(): Vector {
    return this.event.value;
  }

  get data(): Uint8Array {
    return this.event.data;
  }

  get metadata(): Metadata {
    return this.event.metadata;
  }

  rows(): unknown[] {
    return this.event.rows();
  }

  retain(): void {
    this.event.retain();
  }

  release(): void {
    this.event.release();
  }
}

/**
 * A value an operator sent to another operator of the same runtime, handed over as it was sent:
 * not encoded. `value` is the Arrow vector `sendOutput` would have built (made on first read,
 * once, shared by every local consumer); `data` the payload bytes a remote consumer would have
 * got (encoded on first read only); `rows()` of a number is that number.
 */
export class LocalValue {
  #vector: Vector | undefined;
  #data: Uint8Array | undefined;

  constructor(readonly sent: SendableValue) {}

  /**
   * Throws at the sender what encoding would have thrown for a remote consumer (a function, a
   * symbol, undefined, a value Arrow cannot hold), so that a bad value fails the operator that
   * sent it, not the one that reads it. A number, string or boolean always converts: those are
   * left for the first read, which keeps the hot path of small values free of Arrow building.
   */
  check(): this {
    const kind = typeof this.sent;
    if (kind !== "number" && kind !== "string" && kind !== "boolean") void this.vector;
    return this;
  }

  get vector(): Vector {
    this.#vector ??= toLocalVector(this.sent);
    return this.#vector;
  }

  get data(): Uint8Array {
    if (this.#data) return this.#data;
    const sent = this.sent;
    if (sent instanceof Uint8Array && !(sent instanceof Uint8ClampedArray)) return (this.#data = sent);
    const { chunks } = encodeValue(sent);
    this.#data = chunks.length === 1 ? chunks[0]! : new Uint8Array(Buffer.concat(chunks));
    return this.#data;
  }
}

/** An INPUT event carrying a `LocalValue` (see there), under the consumer's input id. */
export class LocalInput implements InputEvent {
  readonly type = "INPUT" as const;

  constructor(
    readonly id: string,
    private readonly local: LocalValue,
    readonly metadata: Metadata,
  ) {}

  get value(): Vector {
    return this.local.vector;
  }

  get data(): Uint8Array {
    return this.local.data;
  }

  rows(): unknown[] {
    const sent = this.local.sent;
    return typeof sent === "number" ? [sent] : toRows(this.local.vector);
  }

  retain(): void {
    // The value is the sender's own memory: nothing to give back.
  }

  release(): void {
    // As retain: no transport lent these bytes.
  }
}

/** `sent` as the Arrow vector its consumer would decode (empty for null, Uint8 for bytes). */
function toLocalVector(sent: SendableValue): Vector {
  if (sent === null || sent === undefined) return decodeValue(PayloadEncoding.EMPTY, new Uint8Array(0));
  if (sent instanceof Uint8Array && !(sent instanceof Uint8ClampedArray)) return decodeValue(PayloadEncoding.RAW, sent);
  return toVector(sent);
}

/**
 * `event` as operator-facing: its input ids mapped through `ids` (the runtime node's id -> the
 * operator's), undefined when it concerns none of them. INPUT events keep their identity when
 * the id is the same (the `operator:` shorthand).
 */
export function forOperator(event: NodeEvent, ids: ReadonlyMap<string, string>): NodeEvent | undefined {
  switch (event.type) {
    case "INPUT": {
      const id = ids.get(event.id);
      if (id === undefined) return undefined;
      return id === event.id ? event : new RenamedInput(id, event);
    }
    case "INPUT_CLOSED": {
      const id = ids.get(event.id);
      return id === undefined ? undefined : { ...event, id };
    }
    case "ERROR": {
      if (event.id === undefined) return event;
      const id = ids.get(event.id);
      return id === undefined ? undefined : { ...event, id };
    }
    case "NODE_FAILED": {
      const affected = event.affectedInputIds.flatMap((input) => {
        const id = ids.get(input);
        return id === undefined ? [] : [id];
      });
      return affected.length === 0 ? undefined : { ...event, affectedInputIds: affected };
    }
    default:
      return event;
  }
}
