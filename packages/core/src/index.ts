/**
 * @rivulet/core — the names a node program or a transport plugin needs: errors, event and
 * metadata types, named defaults, the transport plugin interface, and the shared publisher
 * policy (`SubscriberOutbox`). Everything else (codecs, framing, the control protocol, the
 * loader) is Rivulet's own plumbing, under `@rivulet/core/internal`, and may change in any
 * release.
 *
 * ```ts
 * import { type TransportPlugin, InvalidTransportOptionsError } from "@rivulet/core";
 * export default function myTransport(): TransportPlugin {
 *   return {
 *     kind: "my",
 *     validate: (options) => Object.keys(options).map((key) => ({ path: [key], message: `unknown option '${key}'` })),
 *     plan: (request) => request.channels.map((c) => ({ channel: c.channel, kind: "my", connection: null })),
 *     create: () => { throw new InvalidTransportOptionsError("my", []); },
 *   };
 * }
 * ```
 */
export * from "./errors.js";
export * from "./event.js";
export * from "./constants.js";
export * from "./transport.js";
export * from "./transport-capabilities.js";
export * from "./transport-errors.js";
export { didYouMean } from "./did-you-mean.js";
export { SubscriberOutbox, type SubscriberOutboxInit, type OutboxSink, type OutboxPrelude } from "./subscriber-outbox.js";
export { FanOutPublisher, type FanOutEntry, type SubscriberPolicy } from "./fan-out-publisher.js";
export { OpenEnds } from "./open-ends.js";
export { HeldFrames, HELD_PREFIX_BYTES } from "./held-frames.js";
export { SequencedInbox } from "./sequenced-inbox.js";
export type { SendableValue } from "./arrow-codec.js";
export { toRows } from "./arrow-rows.js";
export { ConcurrentPullError, type PullOptions } from "./queued-iterator.js";
export type { QueuePolicy, InputConfig, OutputConfig, NodeConfig, NodeTransportConfig, OperatorConfig, OperatorThread } from "./node-config.js";
export type { LogLevel, NodeStatus, DropCounts } from "./control-protocol.js";
