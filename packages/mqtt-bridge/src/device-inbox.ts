import { type SendableValue, type Parameter, UnsupportedValueError } from "@rivulet/core";
import type { IPublishPacket } from "mqtt";
import type { SubscribeEntry } from "./bridge-config.js";
import type { SubscribeEntryStats } from "./bridge-stats.js";
import { messageParameters } from "./message-metadata.js";
import { PayloadDecoder } from "./payload-decoder.js";
import type { RateLimitedLog } from "./rate-limited-log.js";

/** Where a bridged-in message goes: `node.sendOutput`. */
export type OutputSend = (output: string, value: SendableValue, parameters: Record<string, Parameter>) => Promise<void>;

/** What a `DeviceInbox` works with. */
export interface DeviceInboxComponents {
  send: OutputSend;
  /** Malformed payloads, one key per entry. */
  malformedLog: RateLimitedLog;
  /** Other failures to forward (a send refused), one key per entry. */
  dropLog: RateLimitedLog;
}

interface Route {
  entry: SubscribeEntry;
  decoder: PayloadDecoder;
  stats: SubscribeEntryStats;
}

/**
 * Device → dataflow: each incoming MQTT message goes to every subscribe entry whose filter
 * matches its topic, is decoded by the entry's codec and sent on the entry's output with the
 * MQTT metadata and captures. The send is awaited before the message is acknowledged, so a slow
 * output holds the broker back instead of queueing here. A malformed payload is counted and
 * logged (rate-limited, with the topic) and dropped; nothing a device sends can throw out of here.
 */
export class DeviceInbox {
  readonly #routes: Route[];

  constructor(
    entries: readonly SubscribeEntry[],
    stats: readonly SubscribeEntryStats[],
    private readonly components: DeviceInboxComponents,
  ) {
    this.#routes = entries.map((entry, index) => ({ entry, decoder: new PayloadDecoder(entry.codec, entry.type), stats: stats[index]! }));
  }

  /** Handles one PUBLISH from the broker; resolves once every matching entry sent it or dropped it. */
  async handle(packet: IPublishPacket): Promise<void> {
    const payload = typeof packet.payload === "string" ? Buffer.from(packet.payload, "utf8") : packet.payload;
    // A message that matches no entry comes from a subscription an earlier run of this client
    // id left in its persistent session (a filter since removed from the config): not ours to forward.
    for (const route of this.#routes) {
      const captured = route.entry.filter.match(packet.topic);
      if (captured) await this.#forward(route, packet, payload, captured);
    }
  }

  async #forward(route: Route, packet: IPublishPacket, payload: Uint8Array, captured: string[]): Promise<void> {
    const { entry, decoder, stats } = route;
    stats.received++;
    const decoded = decoder.decode(payload);
    if ("malformed" in decoded) return this.#malformed(route, packet.topic, decoded.malformed, decoded.detail);
    const parameters = messageParameters(packet.topic, packet.qos, packet.retain, entry.captures, captured);
    try {
      await this.components.send(entry.output, decoded.value, parameters);
      stats.forwarded++;
    } catch (error) {
      // A schema-less JSON value Arrow cannot hold (an array mixing numbers and strings) is the device's fault.
      if (error instanceof UnsupportedValueError) return this.#malformed(route, packet.topic, "not-arrow", error.message);
      stats.dropped++;
      this.components.dropLog.log(entry.filter.filter, `mqtt bridge: a message on ${packet.topic} could not be sent on output '${entry.output}': ${(error as Error).message}`, { topic: packet.topic, output: entry.output, error: (error as Error).name });
    }
  }

  #malformed(route: Route, topic: string, reason: string, detail: string): void {
    const { entry, stats } = route;
    stats.malformed++;
    const what = reason === "schema-misfit" ? "does not fit the schema" : reason === "not-arrow" ? "cannot be held by an Arrow column" : reason === "not-utf8" ? "is not valid UTF-8" : "is not valid JSON";
    this.components.malformedLog.log(entry.filter.filter, `mqtt bridge: a payload on ${topic} ${what} (${detail}); dropped`, { topic, output: entry.output, reason, malformed: stats.malformed });
  }
}
