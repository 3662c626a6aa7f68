/**
 * @rivulet/mqtt-bridge — the built-in MQTT bridge node (`path: rivulet/mqtt-bridge`): device
 * topics to outputs, inputs to device topics, JSON/text/bytes payloads, availability and last
 * will, reconnects with backoff. The daemon runs `@rivulet/mqtt-bridge/main`; this entry is for
 * `rivulet check` (validation) and for tests.
 *
 * ```ts
 * import { validateBridgeConfig } from "@rivulet/mqtt-bridge";
 * const issues = validateBridgeConfig(
 *   { url: "mqtt://127.0.0.1:1883", subscribe: [{ topic: "sensors/+/temperature", output: "readings", captures: ["device"] }] },
 *   { id: "devices", inputs: [], outputs: ["readings"] },
 * );
 * issues; // [] — each issue has a path relative to the node's mapping, a message and maybe a suggestion
 * ```
 */
export { type BridgeConfigIssue } from "./config-issues.js";
export { validateBridgeConfig, type BridgeNodeDeclaration } from "./validate-bridge-config.js";
export {
  bridgeConfig,
  defaultClientId,
  type BridgeConfig,
  type SubscribeEntry,
  type PublishEntry,
  type AvailabilityConfig,
  DEFAULT_BRIDGE_QOS,
  DEFAULT_AVAILABILITY_ONLINE,
  DEFAULT_AVAILABILITY_OFFLINE,
} from "./bridge-config.js";
export { MqttBridge, type MqttBridgeInit, type MqttBridgeStartOptions } from "./mqtt-bridge.js";
export type { BridgeStats, SubscribeEntryStats, PublishEntryStats } from "./bridge-stats.js";
export { MqttSubscriptionRefusedError } from "./bridge-errors.js";
export { MqttNotAuthorizedError, MqttTlsError, MqttFileError } from "@rivulet/transport-mqtt";
export { TopicFilter, topicFilterProblem } from "./topic-filter.js";
export { TopicTemplate, topicTemplateProblem, type RenderedTopic } from "./topic-template.js";
export { type SchemaSpec, SCHEMA_TYPE_NAMES, schemaType, validateSchema } from "./payload-schema.js";
export { type PayloadCodec, PAYLOAD_CODECS, PayloadDecoder, type DecodedPayload } from "./payload-decoder.js";
export { encodePayload } from "./payload-encoder.js";
export { METADATA_KEYS } from "./message-metadata.js";
export { BRIDGE_MAX_PUBLISHES_IN_FLIGHT } from "./device-outbox.js";
export { BRIDGE_LOG_INTERVAL_MS } from "./rate-limited-log.js";
