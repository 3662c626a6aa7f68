import { type Socket, createConnection } from "node:net";
import { encodeWireHead } from "@rivulet/core/internal";

/** A raw connection to a data socket, as a same-user intruder would open it. */
export interface Intruder {
  socket: Socket;
  /** Bytes the publisher has written to this connection so far. */
  readonly bytes: number;
  readonly closed: boolean;
  /** Resolves at the first byte received or when the connection closes, whichever is first. */
  firstByteOrClose: Promise<void>;
  /** Sends a wire frame (kind 2 = HELLO) with `body`. */
  sendFrame(kind: number, body: Uint8Array): void;
}

/** Connects to `path` and counts what comes back. */
export async function connectIntruder(path: string): Promise<Intruder> {
  const socket = createConnection(path);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  let bytes = 0;
  let closed = false;
  let wake!: () => void;
  const firstByteOrClose = new Promise<void>((resolve) => (wake = resolve));
  socket.on("data", (chunk: Buffer) => {
    bytes += chunk.byteLength;
    wake();
  });
  socket.on("close", () => {
    closed = true;
    wake();
  });
  // The publisher resets refused connections; that is the expected outcome, not a failure.
  socket.on("error", () => {});
  return {
    socket,
    get bytes() {
      return bytes;
    },
    get closed() {
      return closed;
    },
    firstByteOrClose,
    sendFrame(kind, body) {
      socket.write(encodeWireHead(kind, body.byteLength));
      socket.write(body);
    },
  };
}

/** The JSON body of a HELLO. */
export const helloBody = (hello: object): Uint8Array => new TextEncoder().encode(JSON.stringify(hello));
