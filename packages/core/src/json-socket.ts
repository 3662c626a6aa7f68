import type { Socket } from "node:net";
import { MAX_CONTROL_FRAME_BYTES } from "./constants.js";
import { CONTROL_KIND } from "./control-protocol.js";
import { ControlProtocolError, FrameDecodeError } from "./errors.js";
import { WireFrameReader, encodeWireHead } from "./wire-frame.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** Options of a JsonSocket. */
export interface JsonSocketInit {
  /** Largest frame accepted from the peer (default MAX_CONTROL_FRAME_BYTES). */
  maxFrameBytes?: number;
}

/**
 * JSON messages over a stream socket, one wire frame each (the control plane's framing).
 * Messages arrive through `onMessage`; each is a JSON object with a string `t`. A frame larger
 * than `maxFrameBytes`, of another kind, not UTF-8 JSON, or not such an object goes to `onError`
 * as a ControlProtocolError and destroys the socket at once: nothing more is read from it, and
 * an oversized frame is refused from its 8-byte head, before any of its body is buffered.
 */
export class JsonSocket<In extends { t: string }, Out> {
  readonly #reader: WireFrameReader;
  #failed = false;

  constructor(
    readonly socket: Socket,
    onMessage: (message: In) => void,
    onError: (error: ControlProtocolError) => void,
    init: JsonSocketInit = {},
  ) {
    this.#reader = new WireFrameReader((kind, body) => onMessage(parseMessage<In>(kind, body)), init.maxFrameBytes ?? MAX_CONTROL_FRAME_BYTES);
    socket.on("data", (chunk: Buffer) => {
      if (this.#failed) return;
      try {
        this.#reader.push(chunk);
      } catch (error) {
        this.#failed = true;
        socket.destroy();
        onError(asProtocolError(error));
      }
    });
  }

  /** The largest frame accepted from now on (the daemon raises it once a node has registered). */
  get maxFrameBytes(): number {
    return this.#reader.maxBytes;
  }

  set maxFrameBytes(bytes: number) {
    this.#reader.maxBytes = bytes;
  }

  /** Writes one message; returns false when the socket is already closed. */
  send(message: Out): boolean {
    if (this.socket.destroyed || !this.socket.writable) return false;
    const body = encoder.encode(JSON.stringify(message));
    this.socket.cork();
    this.socket.write(encodeWireHead(CONTROL_KIND, body.byteLength));
    this.socket.write(body);
    this.socket.uncork();
    return true;
  }
}

function parseMessage<In>(kind: number, body: Uint8Array): In {
  if (kind !== CONTROL_KIND) throw new ControlProtocolError(`unexpected frame kind ${kind} on the control plane`, "frame_kind");
  let message: unknown;
  try {
    message = JSON.parse(decoder.decode(body));
  } catch (cause) {
    throw new ControlProtocolError("a control frame is not UTF-8 JSON", "json", undefined, { cause });
  }
  if (typeof message !== "object" || message === null || Array.isArray(message) || typeof (message as { t?: unknown }).t !== "string") {
    throw new ControlProtocolError("a control message is not a JSON object with a string 't'", "message");
  }
  return message as In;
}

function asProtocolError(error: unknown): ControlProtocolError {
  if (error instanceof ControlProtocolError) return error;
  if (error instanceof FrameDecodeError) return new ControlProtocolError(error.message, "frame_too_large", undefined, { cause: error });
  // A handler that threw on a message it could not use: the peer sent something unusable.
  return new ControlProtocolError("a control message could not be handled", "message", undefined, { cause: error });
}
