import { DEFAULT_PLAN_TIMEOUT_MS, InvalidTransportOptionsError, type PlanRequest, type PlannedChannel, type TransportPlugin } from "@rivulet/core";
import { BrokerClient } from "./broker-client.js";
import type { MqttConnection } from "./mqtt-connection.js";
import { MQTT_MAX_FRAME_BYTES } from "./mqtt-limits.js";
import { mqttOptions, validateMqttOptions } from "./mqtt-options.js";
import { MqttTransport } from "./mqtt-transport.js";

/** How long planning waits for the broker's CONNACK: well within the daemon's DEFAULT_PLAN_TIMEOUT_MS. */
export const MQTT_PLAN_PROBE_MS = Math.min(5_000, DEFAULT_PLAN_TIMEOUT_MS / 2);

/**
 * The MQTT transport plugin: every channel is a topic, `<prefix>/<producer>/<output>`, on an
 * MQTT broker (mosquitto, say), so nodes on other machines and outside tools can subscribe.
 * The default prefix is `rivulet/<dataflow name>`, the same every run. Planning connects once
 * to check that the broker is there and takes the credentials.
 *
 * ```yaml
 * transports:
 *   broker: { kind: mqtt, url: mqtt://broker.local:1883, qos: 1 }
 * ```
 */
export function mqtt(): TransportPlugin {
  return {
    kind: "mqtt",
    capabilities: { flowControl: false, publisherLoss: true, knowsSubscribers: false, preludes: false, zeroCopy: false, maxFrameBytes: MQTT_MAX_FRAME_BYTES },
    plan: planMqtt,
    validate: validateMqttOptions,
    create: (init) => new MqttTransport(init),
  };
}

/**
 * Plans one topic per channel and checks, within MQTT_PLAN_PROBE_MS, that the broker accepts
 * a connection with the given credentials (and closes it).
 * @throws InvalidTransportOptionsError; MqttBrokerUnreachableError or MqttNotAuthorizedError naming the URL and the channels.
 */
async function planMqtt(request: PlanRequest): Promise<PlannedChannel[]> {
  const issues = validateMqttOptions(request.options);
  if (issues.length > 0) throw new InvalidTransportOptionsError("mqtt", issues);
  const options = mqttOptions(request.options);
  const prefix = options.prefix ?? `rivulet/${(request.dataflowName ?? request.dataflowId).replace(/[^A-Za-z0-9_.-]/g, "_")}`;
  await BrokerClient.probe({ settings: options, channels: request.channels.map((c) => c.channel) }, MQTT_PLAN_PROBE_MS);
  return request.channels.map((channel) => {
    // Only the topic: the rest (credentials included) reaches each node as the transport's options.
    const connection: MqttConnection = { topic: `${prefix}/${channel.producer}/${channel.output}` };
    return { channel: channel.channel, kind: "mqtt", connection: { ...connection } };
  });
}
