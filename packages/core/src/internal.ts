/**
 * @rivulet/core/internal — every name of the package, including the ones only Rivulet's own
 * packages need (the JSON control socket, wire frame readers, control-message kinds, layout
 * helpers). Plugins and nodes should import from `@rivulet/core`; this subpath may change in
 * any release.
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
export * from "./type-cache.js";
export * from "./type-descriptor.js";
export * from "./compact-layout.js";
export * from "./compact-reader.js";
export * from "./bounded-queue.js";
export * from "./queued-iterator.js";
export * from "./wire-frame.js";
export * from "./json-socket.js";
export * from "./transport.js";
export * from "./node-config.js";
export * from "./control-protocol.js";
export * from "./transport-loader.js";
