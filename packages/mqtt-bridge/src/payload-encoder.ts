import type { InputEvent } from "@rivulet/core";
import type { PayloadCodec } from "./payload-decoder.js";

/** What an input event became: the MQTT payload, or why it cannot be written with the codec. */
export type EncodedPayload = { payload: Buffer } | { unencodable: string };

/**
 * Writes an input event as a device payload (dataflow → device):
 * - `json`: `event.rows()`: one row as that value, several as a JSON array, none as `null`.
 *   A bigint is a number when it is a safe integer, else a decimal string; binary (Uint8Array)
 *   is a base64 string; other typed arrays are arrays of numbers; a timestamp is epoch ms.
 * - `text`: the rows must be strings (a Utf8 value): one row is that text, several are joined
 *   by a newline, none is the empty text; any other row is unencodable.
 * - `bytes`: `event.data`, the message's bytes as they are (a Uint8Array sent raw arrives as
 *   sent; an Arrow value is its encoded form).
 */
export function encodePayload(codec: PayloadCodec, event: InputEvent): EncodedPayload {
  switch (codec) {
    case "bytes":
      return { payload: Buffer.from(event.data.buffer, event.data.byteOffset, event.data.byteLength) };
    case "text": {
      const rows = event.rows();
      const bad = rows.find((row) => typeof row !== "string");
      if (bad !== undefined) return { unencodable: `the text codec takes strings, not ${bad === null ? "null" : typeof bad}` };
      return { payload: Buffer.from((rows as string[]).join("\n"), "utf8") };
    }
    case "json": {
      const rows = event.rows();
      const value = rows.length === 0 ? null : rows.length === 1 ? rows[0] : rows;
      return { payload: Buffer.from(JSON.stringify(value, jsonSafe) ?? "null", "utf8") };
    }
  }
}

/** JSON.stringify's replacer for what Arrow rows hold and JSON does not. */
function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64");
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number | bigint>, (item) => jsonSafe("", item));
  return value;
}
