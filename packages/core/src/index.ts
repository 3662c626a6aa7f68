/**
 * @rivulet/core — types, errors, codecs, queues and the transport interface shared by every
 * Rivulet package.
 *
 * ```ts
 * import { encodeValue, decodeValue, BoundedQueue } from "@rivulet/core";
 * const { encoding, chunks } = encodeValue([1, 2, 3]);
 * const queue = new BoundedQueue<number>(2);
 * queue.push(1); queue.push(2); queue.push(3); // drops 1; queue.drops === 1
 * ```
 */
export * from "./errors.js";
export * from "./event.js";
export * from "./constants.js";
export * from "./hlc.js";
export * from "./frame-codec.js";
export * from "./arrow-codec.js";
export { TypeDescriptorCache } from "./type-cache.js";
export * from "./bounded-queue.js";
export * from "./queued-iterator.js";
export * from "./wire-frame.js";
export * from "./json-socket.js";
export * from "./transport.js";
export * from "./node-config.js";
export * from "./control-protocol.js";
export * from "./transport-loader.js";
export * from "./transport-errors.js";
export * from "./resolve-package.js";
