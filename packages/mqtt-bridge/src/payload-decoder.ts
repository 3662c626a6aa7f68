import { type SendableValue, UnsupportedValueError } from "@rivulet/core";
import { toVector } from "@rivulet/core/internal";
import { type DataType, Type } from "apache-arrow";
import { prepareForType } from "./payload-schema.js";

/** How a payload is read (device → dataflow) or written (dataflow → device). */
export type PayloadCodec = "json" | "text" | "bytes";

/** Every codec name, the first the default. */
export const PAYLOAD_CODECS: readonly PayloadCodec[] = ["json", "text", "bytes"];

/** What a device payload became: a value to send, or why it is malformed. */
export type DecodedPayload = { value: SendableValue } | { malformed: "not-json" | "not-utf8" | "schema-misfit"; detail: string };

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Reads device payloads of one subscribe entry:
 * - `json` without a schema: the parsed value, as `sendOutput` infers it (an object one struct
 *   row, an array an Arrow array, a number one float64); a value Arrow cannot hold (mixed kinds
 *   in an array) is refused by the send, which the bridge counts as malformed too.
 * - `json` with a schema (`type`, the type of one row): a top-level array is rows (unless the
 *   schema is itself a list: then the payload is one row), anything else one row; a missing
 *   field is null, an extra field is ignored, a value of the wrong type is `schema-misfit`.
 * - `text`: the payload as a UTF-8 string (invalid UTF-8 is `not-utf8`).
 * - `bytes`: the payload's bytes as they came (a Uint8Array, sent raw).
 */
export class PayloadDecoder {
  constructor(
    readonly codec: PayloadCodec,
    readonly type?: DataType,
  ) {}

  decode(payload: Uint8Array): DecodedPayload {
    switch (this.codec) {
      case "bytes":
        return { value: payload };
      case "text":
        try {
          return { value: utf8.decode(payload) };
        } catch (error) {
          return { malformed: "not-utf8", detail: (error as Error).message };
        }
      case "json":
        return this.#json(payload);
    }
  }

  #json(payload: Uint8Array): DecodedPayload {
    let parsed: unknown;
    try {
      parsed = JSON.parse(utf8.decode(payload));
    } catch (error) {
      return { malformed: "not-json", detail: (error as Error).message };
    }
    const type = this.type;
    if (!type) return { value: parsed as SendableValue };
    // No rows, but of the schema's type: the type stays the same from message to message.
    if (parsed === null) return { value: toVector([], { type }) };
    const rows = Array.isArray(parsed) && type.typeId !== Type.List ? parsed : [parsed];
    try {
      return { value: toVector(rows.map((row) => prepareForType(type, row)), { type }) };
    } catch (error) {
      if (error instanceof UnsupportedValueError) return { malformed: "schema-misfit", detail: error.message };
      throw error;
    }
  }
}
