/**
 * The bytes inside every MQTT message of the transport (README "Wire format"): a 16-byte header
 * (version, kind, epoch, sequence number), then, for DATA, the frame itself.
 *
 * ```
 * offset 0  u8   version (1)
 * offset 1  u8   kind (MqttKind)
 * offset 2  u16  reserved (0)
 * offset 4  u32  epoch: random per publisher connection, little endian
 * offset 8  f64  sequence number (DATA: this frame's; END, ONLINE, WELCOME, LOST: the next one's), little endian
 * ```
 */

/** What a message is. */
export enum MqttKind {
  /** A frame, on the data topic. */
  DATA = 1,
  /** The publisher closed cleanly after the frames before it (data topic, in band). */
  END = 2,
  /** The publisher is up (retained, status topic). */
  ONLINE = 3,
  /** The publisher closed cleanly (retained, status topic): for subscribers that missed END. */
  ENDED = 4,
  /** The publisher's connection died (its last will: retained, status topic, sent by the broker). */
  LOST = 5,
  /** The publisher accepted one subscriber (its welcome topic); the sequence number is the first that subscriber gets. */
  WELCOME = 6,
  /** A subscriber is here (retained, its presence topic; an empty retained message removes it). */
  HELLO = 7,
}

/** Bytes of the header. */
export const MQTT_HEADER_BYTES = 16;
const VERSION = 1;

/** A decoded header. */
export interface MqttHeader {
  kind: MqttKind;
  epoch: number;
  seq: number;
}

/** One message: the header, then `chunks` (a DATA frame's bytes), concatenated into one buffer (MQTT carries one payload). */
export function encodeMessage(kind: MqttKind, epoch: number, seq: number, chunks: readonly Uint8Array[] = []): Buffer {
  let length = MQTT_HEADER_BYTES;
  for (const chunk of chunks) length += chunk.byteLength;
  const message = Buffer.allocUnsafe(length);
  message.writeUInt8(VERSION, 0);
  message.writeUInt8(kind, 1);
  message.writeUInt16LE(0, 2);
  message.writeUInt32LE(epoch >>> 0, 4);
  message.writeDoubleLE(seq, 8);
  let offset = MQTT_HEADER_BYTES;
  for (const chunk of chunks) {
    message.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return message;
}

/** The header of `message`, or undefined when it is not one of this transport's messages (too short, another version, an unknown kind). */
export function decodeHeader(message: Uint8Array): MqttHeader | undefined {
  if (message.byteLength < MQTT_HEADER_BYTES) return undefined;
  const view = new DataView(message.buffer, message.byteOffset, MQTT_HEADER_BYTES);
  const kind = view.getUint8(1);
  if (view.getUint8(0) !== VERSION || kind < MqttKind.DATA || kind > MqttKind.HELLO) return undefined;
  return { kind, epoch: view.getUint32(4, true), seq: view.getFloat64(8, true) };
}

/** A fresh publisher epoch: random, never 0. */
export function newEpoch(): number {
  return (Math.floor(Math.random() * 0xffff_fffe) + 1) >>> 0;
}
