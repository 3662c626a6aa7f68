import type { Socket } from "node:net";
import { CONTROL_KIND } from "./control-protocol.js";
import { WireFrameReader, encodeWireHead } from "./wire-frame.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * JSON messages over a stream socket, one wire frame each (the control plane's framing).
 * Messages arrive through `onMessage`; a frame that is not valid JSON, or a corrupt stream,
 * goes to `onError` and destroys the socket.
 */
export class JsonSocket<In, Out> {
  readonly #reader: WireFrameReader;

  constructor(
    readonly socket: Socket,
    onMessage: (message: In) => void,
    onError: (error: Error) => void,
  ) {
    this.#reader = new WireFrameReader((kind, body) => {
      if (kind !== CONTROL_KIND) throw new Error(`unexpected frame kind ${kind} on the control plane`);
      onMessage(JSON.parse(decoder.decode(body)) as In);
    });
    socket.on("data", (chunk: Buffer) => {
      try {
        this.#reader.push(chunk);
      } catch (error) {
        onError(error as Error);
        socket.destroy();
      }
    });
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
