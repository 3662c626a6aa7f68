import { type Socket, connect } from "node:net";
import { type ConnectionOptions, connect as connectTls } from "node:tls";
import { Inbox } from "./inbox.js";

/**
 * A deliberately tiny NATS client over a raw socket, so that this package's tests need no NATS
 * library: it reads protocol lines (a MSG's payload, which these tests keep on one line, is the
 * line after it) and writes whatever the test says.
 */
export class NatsWire {
  #rest = "";
  readonly #lines = new Inbox<string>("NATS protocol line");
  /** The JSON of the server's INFO line. */
  info: Record<string, unknown> = {};

  private constructor(private socket: Socket) {
    this.#read(socket);
  }

  /**
   * Connects and resolves once the server's INFO line has arrived. With `tls`, then upgrades the
   * connection to TLS with these options (`ca`, `cert`, `key`), as NATS clients do after INFO;
   * rejects when the handshake fails.
   */
  static async open(port: number, options: { tls?: ConnectionOptions } = {}): Promise<NatsWire> {
    const socket = connect({ host: "127.0.0.1", port });
    await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
    const wire = new NatsWire(socket);
    const first = await wire.nextLine();
    if (!first.startsWith("INFO ")) throw new Error(`expected INFO, got ${first}`);
    wire.info = JSON.parse(first.slice("INFO ".length)) as Record<string, unknown>;
    if (options.tls) {
      // From here the plain socket carries TLS records: only the TLS socket reads them.
      socket.removeAllListeners("data");
      wire.socket = connectTls({ host: "127.0.0.1", ...options.tls, socket });
      wire.#read(wire.socket);
      await new Promise<void>((resolve, reject) => wire.socket.once("secureConnect", resolve).once("error", reject));
    }
    return wire;
  }

  #read(socket: Socket): void {
    socket.on("data", (chunk: Buffer) => {
      const parts = (this.#rest + chunk.toString()).split("\r\n");
      this.#rest = parts.pop()!;
      for (const line of parts) this.#lines.push(line);
    });
    let failure: Error | undefined;
    // The close that follows reports it (a TLS alert, say) to whoever waits for a line.
    socket.on("error", (error) => (failure = error));
    socket.on("close", () => this.#lines.end(failure));
  }

  /**
   * Sends CONNECT (with `fields` such as `auth_token`, `user`, `pass`) and PING; resolves with
   * the server's answer: `PONG`, or the `-ERR ...` line of a refusal.
   */
  async handshake(fields: Record<string, unknown> = {}): Promise<string> {
    this.send(`CONNECT ${JSON.stringify({ verbose: false, pedantic: false, lang: "raw", version: "0", protocol: 1, ...fields })}\r\nPING\r\n`);
    return this.nextLine();
  }

  /** Publishes `payload` to `subject` with a reply subject and returns the single-line reply that arrives on `inbox` (already subscribed). */
  async request(subject: string, payload: string, inbox: string): Promise<string> {
    this.send(`PUB ${subject} ${inbox} ${Buffer.byteLength(payload)}\r\n${payload}\r\n`);
    const header = await this.nextLine();
    if (!header.startsWith(`MSG ${inbox} `)) throw new Error(`expected a reply on ${inbox}, got ${header}`);
    return this.nextLine();
  }

  send(text: string): void {
    this.socket.write(text);
  }

  /** The next protocol line, without its CRLF (server PINGs are answered and skipped). */
  async nextLine(timeoutMs = 5_000): Promise<string> {
    for (;;) {
      const line = await this.#lines.next(timeoutMs);
      if (line !== "PING") return line;
      this.send("PONG\r\n");
    }
  }

  close(): void {
    this.socket.destroy();
  }
}
