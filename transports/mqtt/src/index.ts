/**
 * @rivulet/transport-mqtt — node to node through an MQTT broker: one topic per channel, QoS 0,
 * 1 or 2, persistent sessions, crash detection by last will. The default export is the plugin.
 *
 * ```ts
 * import mqtt from "@rivulet/transport-mqtt";
 * const plugin = mqtt();
 * const options = { url: "mqtt://127.0.0.1:1883", qos: 1 };
 * const [channel] = await plugin.plan({ dataflowId: "df", runDir: "/tmp/run", options, channels: [
 *   { channel: "a/out", producer: "a", output: "out", subscribers: ["b"] }] });
 * // The plan holds the topic only: the broker's URL and credentials come with the options.
 * const publisher = await plugin.create({ dataflowId: "df", nodeId: "a", options }).publish(channel!);
 * ```
 */
export { mqtt, mqtt as default, MQTT_PLAN_PROBE_MS } from "./mqtt-plugin.js";
export { MqttTransport } from "./mqtt-transport.js";
export { MqttPublisher } from "./mqtt-publisher.js";
export { MqttSubscription } from "./mqtt-subscription.js";
export { type MqttConnection, MQTT_CONTROL_QOS, mqttConnection } from "./mqtt-connection.js";
export { BrokerClient, type BrokerClientInit, type BrokerSettings, MQTT_CLOSE_FLUSH_MS, MQTT_CONNECT_TIMEOUT_MS, MQTT_KEEPALIVE_S } from "./broker-client.js";
export { backoffDelay } from "./backoff.js";
export { type MqttOptions, DEFAULT_MQTT_CLIENT_ID, DEFAULT_MQTT_QOS, DEFAULT_MQTT_RECONNECT_MAX_MS, DEFAULT_MQTT_RECONNECT_MIN_MS, DEFAULT_MQTT_URL, mqttOptions, validateMqttOptions } from "./mqtt-options.js";
export { MQTT_MAX_FRAME_BYTES } from "./mqtt-limits.js";
export { MQTT_HEADER_BYTES, MqttKind, type MqttHeader, decodeHeader, encodeMessage } from "./wire-format.js";
export { MqttBrokerUnreachableError, MqttFileError, MqttFrameTooLargeError, MqttNotAuthorizedError, MqttTlsError } from "./mqtt-errors.js";
