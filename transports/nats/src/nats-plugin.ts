import { InvalidTransportOptionsError, MAX_FRAME_BYTES, type PlanRequest, type PlannedChannel, type TransportPlugin } from "@rivulet/core";
import { NATS_PLAN_TIMEOUT_MS, probeNats } from "./nats-connect.js";
import { natsOptions, validateNatsOptions } from "./nats-options.js";
import { channelSubjects, defaultPrefix } from "./nats-subjects.js";
import { type NatsConnectionInfo, NatsTransport } from "./nats-transport.js";
import { jetStreamPlan } from "./jetstream-plan.js";
import { probeJetStream } from "./jetstream-stream.js";

/** Tuning for tests and embedders. */
export interface NatsPluginInit {
  /** How long `plan()` waits for the server; default NATS_PLAN_TIMEOUT_MS. */
  planTimeoutMs?: number;
}

/**
 * The NATS transport plugin: one subject per channel on a NATS server (`servers`), under
 * `prefix` (default `rivulet.<dataflow id>`). `plan()` checks that the server answers, with
 * the options' credentials, within a few seconds. No flow control: the broker delivers to
 * whoever listens, subscribers that fall behind drop their oldest frames and count them, as
 * they count frames lost on the way (sequence gaps). With `jetstream`, `plan()` also checks
 * that the server has JetStream on and plans a stream per channel (jetstream-plan.ts). See the
 * package README.
 *
 * ```yaml
 * transports:
 *   bus: { kind: nats, servers: nats://127.0.0.1:4222 }
 * transport: bus
 * ```
 */
export function nats(init: NatsPluginInit = {}): TransportPlugin {
  return {
    kind: "nats",
    capabilities: { flowControl: false, publisherLoss: true, knowsSubscribers: false, preludes: false, zeroCopy: false, maxFrameBytes: MAX_FRAME_BYTES },
    async plan(request: PlanRequest): Promise<PlannedChannel[]> {
      const issues = validateNatsOptions(request.options);
      if (issues.length > 0) throw new InvalidTransportOptionsError("nats", issues);
      const options = natsOptions(request.options);
      const channels = request.channels.map((c) => c.channel);
      const timeoutMs = init.planTimeoutMs ?? NATS_PLAN_TIMEOUT_MS;
      await probeNats(options, channels, timeoutMs, options.jetstream ? (nc) => probeJetStream(nc, options.servers, channels, timeoutMs) : undefined);
      const prefix = options.prefix ?? defaultPrefix(request.dataflowId);
      return request.channels.map((channel) => {
        const subjects = channelSubjects(prefix, channel.producer, channel.output);
        const connection: NatsConnectionInfo = { subjects, ...(options.jetstream ? { jetstream: jetStreamPlan(subjects.data, request.dataflowId) } : {}) };
        return { channel: channel.channel, kind: "nats", connection: { subjects: { ...connection.subjects }, ...(connection.jetstream ? { jetstream: { ...connection.jetstream } } : {}) } };
      });
    },
    validate: validateNatsOptions,
    create: (transportInit) => new NatsTransport(`rivulet ${transportInit.dataflowId} ${transportInit.nodeId}`, transportInit.options),
  };
}
