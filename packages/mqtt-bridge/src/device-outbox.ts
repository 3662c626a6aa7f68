import type { InputEvent } from "@rivulet/core";
import type { MqttClient } from "mqtt";
import type { PublishEntry } from "./bridge-config.js";
import type { PublishEntryStats } from "./bridge-stats.js";
import { encodePayload } from "./payload-encoder.js";
import type { RateLimitedLog } from "./rate-limited-log.js";

/** Most publishes of one bridge waiting for the broker's acknowledgement at a time. */
export const BRIDGE_MAX_PUBLISHES_IN_FLIGHT = 100;

/** What a `DeviceOutbox` works with. */
export interface DeviceOutboxComponents {
  client: MqttClient;
  /** True while connected to the broker. */
  up(): boolean;
  /** Keeps the process alive until the publish settles (`BrokerClient.hold`). */
  hold<T>(operation: Promise<T>): Promise<T>;
  /** Unpublishable messages and publish failures, one key per entry. */
  log: RateLimitedLog;
}

/**
 * Dataflow → device: each input message goes to every publish entry of its input, on the topic
 * the entry's template renders from the message's parameters, encoded by the entry's codec.
 * Publishes run concurrently up to `BRIDGE_MAX_PUBLISHES_IN_FLIGHT`; past that `publish` waits,
 * so the node's input queue (and its policy) takes the backlog, never a hidden queue here.
 * While the broker is away a QoS 0 message is dropped (counted); QoS 1 and 2 messages wait in
 * mqtt.js's store and go out after the reconnect.
 */
export class DeviceOutbox {
  readonly #routes = new Map<string, { entry: PublishEntry; stats: PublishEntryStats }[]>();
  /** Publishes started and not settled, with the counters of their entry. */
  readonly #inFlight = new Map<Promise<void>, PublishEntryStats>();
  #closing = false;

  constructor(
    entries: readonly PublishEntry[],
    stats: readonly PublishEntryStats[],
    private readonly components: DeviceOutboxComponents,
  ) {
    entries.forEach((entry, index) => {
      const list = this.#routes.get(entry.input) ?? [];
      list.push({ entry, stats: stats[index]! });
      this.#routes.set(entry.input, list);
    });
  }

  /** True when some publish entry takes input `id`. */
  takes(id: string): boolean {
    return this.#routes.has(id);
  }

  /** Starts publishing `event` for each entry of its input; resolves once the publishes may go on (in-flight bound). */
  async publish(event: InputEvent): Promise<void> {
    for (const { entry, stats } of this.#routes.get(event.id) ?? []) {
      stats.received++;
      const rendered = entry.topic.render(event.metadata.parameters);
      if ("missing" in rendered) {
        stats.unpublishable++;
        this.components.log.log(entry.topic.template, `mqtt bridge: a message on input '${entry.input}' lacks the parameter${rendered.missing.length > 1 ? "s" : ""} ${rendered.missing.join(", ")} of topic ${entry.topic.template} (absent, empty, or holding / + #); not published`, { input: entry.input, topic: entry.topic.template, missing: rendered.missing });
        continue;
      }
      const encoded = encodePayload(entry.codec, event);
      if ("unencodable" in encoded) {
        stats.unpublishable++;
        this.components.log.log(entry.topic.template, `mqtt bridge: a message on input '${entry.input}' cannot be written as ${entry.codec}: ${encoded.unencodable}; not published`, { input: entry.input, topic: rendered.topic });
        continue;
      }
      if (entry.qos === 0 && !this.components.up()) {
        stats.dropped++;
        continue;
      }
      while (this.#inFlight.size >= BRIDGE_MAX_PUBLISHES_IN_FLIGHT) await Promise.race(this.#inFlight.keys());
      const publishing: Promise<void> = this.components
        .hold(this.components.client.publishAsync(rendered.topic, encoded.payload, { qos: entry.qos, retain: entry.retain }))
        .then(
          () => {
            if (this.#inFlight.has(publishing)) stats.published++;
          },
          (error: Error) => {
            if (!this.#inFlight.has(publishing)) return; // abandoned: counted already
            // Publishes that were still waiting when the connection was ended for good are lost, not failed.
            if (this.#closing) stats.dropped++;
            else {
              stats.publishErrors++;
              this.components.log.log(`${entry.topic.template}/error`, `mqtt bridge: publishing on ${rendered.topic} failed: ${error.message}`, { input: entry.input, topic: rendered.topic });
            }
          },
        )
        .finally(() => this.#inFlight.delete(publishing));
      this.#inFlight.set(publishing, stats);
    }
  }

  /** From now on a publish that fails counts as dropped (the connection is being ended). */
  closing(): void {
    this.#closing = true;
  }

  /**
   * Counts every publish still in flight as dropped and forgets it: after the connection ended
   * for good (closed, or refused by the broker) mqtt.js settles them never, with a persistent
   * session (their acknowledgement belongs to a session this client will not resume).
   */
  abandon(): void {
    for (const stats of this.#inFlight.values()) stats.dropped++;
    this.#inFlight.clear();
  }
}
