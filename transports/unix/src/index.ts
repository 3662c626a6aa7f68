/**
 * @rivulet/transport-unix — the default transport: node to node over Unix sockets.
 *
 * ```ts
 * import { unix } from "@rivulet/transport-unix";
 * const plugin = unix();
 * const [channel] = plugin.plan({ dataflowId: "df", runDir: "/tmp/run", options: {}, channels: [
 *   { channel: "a/out", producer: "a", output: "out", subscribers: ["b"] }] });
 * const publisher = await plugin.create({ dataflowId: "df", nodeId: "a" }).publish(channel);
 * ```
 */
export { unix, unix as default, type UnixTransportInit, planUnixConnection } from "./unix-plugin.js";
export { UnixTransport, type UnixConnection, type UnixTransportTuning, unixConnection } from "./unix-transport.js";
export { UnixPublisher, type UnixPublisherInit, type WireEntry } from "./unix-publisher.js";
export { UnixSubscription, type WireDelivery, type WireExtension } from "./unix-subscription.js";
export { WireKind } from "./wire-kinds.js";
export { SocketPathTooLongError } from "./socket-path-error.js";
export { type Hello, checkHello } from "./hello.js";
