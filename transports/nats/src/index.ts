/**
 * @rivulet/transport-nats — the `nats` transport plugin (its default export): frames on NATS
 * subjects, chunked above the server's max_payload, with sequence numbers so that frames lost
 * on the way are counted, and heartbeats so that a dead publisher is noticed.
 *
 * ```yaml
 * transports:
 *   bus: { kind: nats, servers: [nats://10.0.0.5:4222], token: s3cret }
 * transport: bus
 * ```
 *
 * `jetstream: true` in those options sends each channel through a JetStream stream instead:
 * at-least-once delivery that survives a subscriber's restart (see JetStreamSubscription).
 */
export { nats, nats as default, type NatsPluginInit } from "./nats-plugin.js";
export { NatsTransport, type NatsConnectionInfo, natsConnection } from "./nats-transport.js";
export { NatsPublisher, type NatsPublisherInit } from "./nats-publisher.js";
export { NatsSubscription } from "./nats-subscription.js";
export { NATS_MISSED_HEARTBEATS } from "./nats-heartbeat-watch.js";
export {
  type NatsOptions,
  type NatsTlsOptions,
  type NatsJetStreamOptions,
  natsOptions,
  validateNatsOptions,
  DEFAULT_NATS_SERVER,
  DEFAULT_NATS_RECONNECT_WAIT_MS,
  DEFAULT_NATS_RECONNECT_CAP_MS,
  DEFAULT_NATS_MAX_RECONNECT_ATTEMPTS,
  DEFAULT_NATS_HEARTBEAT_MS,
} from "./nats-options.js";
export { NATS_PLAN_TIMEOUT_MS, NATS_CONNECT_TIMEOUT_MS, probeNats } from "./nats-connect.js";
export { type ChannelSubjects, channelSubjects, defaultPrefix, subjectToken } from "./nats-subjects.js";
export { NatsKind, NATS_WIRE_VERSION, NATS_HEAD_BYTES, NATS_CHUNK_HEAD_BYTES, type NatsMessage, ChunkAssembler, decodeMessage, frameMessages, controlMessage } from "./nats-wire.js";
export { NatsUnreachableError, NatsAuthorizationError, NatsFileError, NatsTlsError, NatsConnectionClosedError, JetStreamNotEnabledError } from "./nats-errors.js";
export { JetStreamPublisher, type JetStreamPublisherInit } from "./jetstream-publisher.js";
export { JetStreamSubscription, type JetStreamSubscriptionInit } from "./jetstream-subscription.js";
export { JetStreamChannel } from "./jetstream-stream.js";
export { type JetStreamPlan, jetStreamPlan, durableName } from "./jetstream-plan.js";
