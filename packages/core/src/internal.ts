/**
 * @rivulet/core/internal — every name of the package, including the ones only Rivulet's own
 * packages need (codecs, the JSON control socket, wire frame readers, control messages, the
 * transport loader). Plugins and nodes should import from `@rivulet/core`; this subpath may
 * change in any release.
 *
 * ```ts
 * import { JsonSocket, WireFrameReader } from "@rivulet/core/internal";
 * ```
 */
export * from "./errors.js";
export * from "./event.js";
export * from "./constants.js";
export * from "./hlc.js";
export * from "./frame-codec.js";
export * from "./arrow-codec.js";
export * from "./arrow-rows.js";
export * from "./record-layout.js";
export * from "./type-cache.js";
export * from "./type-descriptor.js";
export * from "./type-definition.js";
export * from "./type-ids.js";
export * from "./type-table.js";
export * from "./compact-layout.js";
export * from "./compact-reader.js";
export * from "./bounded-queue.js";
export * from "./queued-iterator.js";
export * from "./subscriber-outbox.js";
export * from "./fan-out-publisher.js";
export * from "./held-frames.js";
export * from "./sequenced-inbox.js";
export * from "./open-ends.js";
export * from "./wait-for.js";
export * from "./tls-failure.js";
export * from "./wire-frame.js";
export * from "./json-socket.js";
export * from "./transport.js";
export * from "./transport-capabilities.js";
export * from "./node-config.js";
export * from "./control-protocol.js";
export * from "./transport-loader.js";
export * from "./transport-errors.js";
export { didYouMean } from "./did-you-mean.js";
export * from "./resolve-package.js";
export * from "./send-parameters.js";
