import { type Socket, connect } from "node:net";
import { type ConnectionOptions, connect as connectTls } from "node:tls";
import { Inbox } from "./inbox.js";

/** An MQTT 3.1.1 control packet as read off the wire. */
export interface MqttPacket {
  type: number;
  flags: number;
  body: Buffer;
}

const CONNECT = 1;
const CONNACK = 2;
const PUBLISH = 3;
const PUBACK = 4;
const SUBSCRIBE = 8;
const SUBACK = 9;

/** Options of `MqttWire.connect`. */
export interface MqttConnectOptions {
  clientId?: string;
  username?: string;
  password?: string;
  /** MQTT's clean-session flag; false keeps the session (and its QoS 1 messages) on the broker. */
  cleanSession?: boolean;
  /** Connect over TLS with these options (`ca`, `cert`, `key`); the handshake must succeed. */
  tls?: ConnectionOptions;
}

/**
 * A deliberately tiny MQTT 3.1.1 client over a raw socket, so that this package's tests need no
 * MQTT library: CONNECT, SUBSCRIBE and PUBLISH at QoS 1, and reading packets.
 */
export class MqttWire {
  #buffer = Buffer.alloc(0);
  readonly #packets = new Inbox<MqttPacket>("MQTT packet");
  #nextId = 1;

  private constructor(private readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#parse();
    });
    let failure: Error | undefined;
    // The close that follows reports it (a TLS alert, say) to whoever waits for a packet.
    socket.on("error", (error) => (failure = error));
    socket.on("close", () => this.#packets.end(failure));
  }

  /** Connects and sends CONNECT; resolves with the CONNACK's return code and session-present flag. */
  static async connect(port: number, options: MqttConnectOptions = {}): Promise<{ wire: MqttWire; returnCode: number; sessionPresent: boolean }> {
    const socket = options.tls ? connectTls({ host: "127.0.0.1", port, ...options.tls }) : connect({ host: "127.0.0.1", port });
    await new Promise<void>((resolve, reject) => socket.once(options.tls ? "secureConnect" : "connect", resolve).once("error", reject));
    const wire = new MqttWire(socket);
    const { clientId = `probe-${process.pid}-${Math.random().toString(36).slice(2)}`, username, password, cleanSession = true } = options;
    const flags = (username !== undefined ? 0x80 : 0) | (password !== undefined ? 0x40 : 0) | (cleanSession ? 0x02 : 0);
    const variable = Buffer.concat([str("MQTT"), Buffer.from([4, flags, 0, 60])]);
    const payload = Buffer.concat([str(clientId), ...(username !== undefined ? [str(username)] : []), ...(password !== undefined ? [str(password)] : [])]);
    wire.#send(CONNECT, 0, Buffer.concat([variable, payload]));
    const connack = await wire.next();
    if (connack.type !== CONNACK) throw new Error(`expected CONNACK, got packet type ${connack.type}`);
    return { wire, returnCode: connack.body[1]!, sessionPresent: (connack.body[0]! & 1) === 1 };
  }

  /** Subscribes at QoS 1; resolves with the granted QoS (0x80 = refused). */
  async subscribe(topic: string): Promise<number> {
    const id = this.#nextId++;
    this.#send(SUBSCRIBE, 2, Buffer.concat([u16(id), str(topic), Buffer.from([1])]));
    const suback = await this.next();
    if (suback.type !== SUBACK) throw new Error(`expected SUBACK, got packet type ${suback.type}`);
    return suback.body[2]!;
  }

  /** Publishes at QoS 1 and resolves on its PUBACK. */
  async publish(topic: string, payload: string): Promise<void> {
    const id = this.#nextId++;
    this.#send(PUBLISH, 2, Buffer.concat([str(topic), u16(id), Buffer.from(payload)]));
    const puback = await this.next();
    if (puback.type !== PUBACK) throw new Error(`expected PUBACK, got packet type ${puback.type}`);
  }

  /** The next PUBLISH the broker sends (acknowledged when QoS 1). */
  async nextPublish(timeoutMs = 5_000): Promise<{ topic: string; payload: string }> {
    const packet = await this.next(timeoutMs);
    if (packet.type !== PUBLISH) throw new Error(`expected PUBLISH, got packet type ${packet.type}`);
    const topicLength = packet.body.readUInt16BE(0);
    const topic = packet.body.subarray(2, 2 + topicLength).toString();
    const qos = (packet.flags >> 1) & 3;
    let offset = 2 + topicLength;
    if (qos > 0) {
      this.#send(PUBACK, 0, packet.body.subarray(offset, offset + 2));
      offset += 2;
    }
    return { topic, payload: packet.body.subarray(offset).toString() };
  }

  /** The next packet from the broker. */
  next(timeoutMs = 5_000): Promise<MqttPacket> {
    return this.#packets.next(timeoutMs);
  }

  close(): void {
    this.socket.destroy();
  }

  #send(type: number, flags: number, body: Buffer): void {
    this.socket.write(Buffer.concat([Buffer.from([(type << 4) | flags]), varint(body.length), body]));
  }

  #parse(): void {
    for (;;) {
      let length = 0;
      let multiplier = 1;
      let offset = 1;
      for (;;) {
        if (offset >= this.#buffer.length) return;
        const byte = this.#buffer[offset++]!;
        length += (byte & 0x7f) * multiplier;
        multiplier *= 128;
        if ((byte & 0x80) === 0) break;
      }
      if (this.#buffer.length < offset + length) return;
      const first = this.#buffer[0]!;
      this.#packets.push({ type: first >> 4, flags: first & 0x0f, body: this.#buffer.subarray(offset, offset + length) });
      this.#buffer = this.#buffer.subarray(offset + length);
    }
  }
}

function str(text: string): Buffer {
  const bytes = Buffer.from(text);
  return Buffer.concat([u16(bytes.length), bytes]);
}

function u16(value: number): Buffer {
  const bytes = Buffer.alloc(2);
  bytes.writeUInt16BE(value);
  return bytes;
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    bytes.push(byte);
  } while (value > 0);
  return Buffer.from(bytes);
}
