import { FrameDecodeError } from "./errors.js";
import { align8 } from "./frame-codec.js";

/**
 * The payload of a TYPE_DEFINITION frame (docs/payload-format.md): a type id and the compact
 * type descriptor it stands for, sent once per subscriber before the first payload by that id.
 *
 * ```
 * 0 u32 type id   4 u32 descriptor bytes (D)   8 descriptor, zero padding to 8
 * ```
 */
export interface TypeDefinition {
  id: number;
  /** The descriptor bytes (a view into the payload when decoded). */
  descriptor: Uint8Array;
}

/** Bytes of a TYPE_DEFINITION payload before its descriptor. */
export const TYPE_DEFINITION_HEAD_BYTES = 8;

/** Writes a TYPE_DEFINITION payload. */
export function encodeTypeDefinition(definition: TypeDefinition): Uint8Array {
  const { id, descriptor } = definition;
  const bytes = new Uint8Array(align8(TYPE_DEFINITION_HEAD_BYTES + descriptor.byteLength));
  const view = new DataView(bytes.buffer);
  view.setUint32(0, id, true);
  view.setUint32(4, descriptor.byteLength, true);
  bytes.set(descriptor, TYPE_DEFINITION_HEAD_BYTES);
  return bytes;
}

/**
 * Reads a TYPE_DEFINITION payload; the descriptor is a view into `payload`.
 * @throws FrameDecodeError when the payload is shorter than its head or its descriptor.
 */
export function decodeTypeDefinition(payload: Uint8Array): TypeDefinition {
  if (payload.byteLength < TYPE_DEFINITION_HEAD_BYTES) throw new FrameDecodeError(`TYPE_DEFINITION payload of ${payload.byteLength} bytes is shorter than its 8-byte head`, 0);
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const length = view.getUint32(4, true);
  if (TYPE_DEFINITION_HEAD_BYTES + length > payload.byteLength) throw new FrameDecodeError(`TYPE_DEFINITION descriptor of ${length} bytes runs past the end of the payload`, 4);
  return { id: view.getUint32(0, true), descriptor: payload.subarray(TYPE_DEFINITION_HEAD_BYTES, TYPE_DEFINITION_HEAD_BYTES + length) };
}
