/**
 * @rivulet/transport-zeromq — node to node over ZeroMQ: `ipc://` files in the run folder by
 * default, or TCP to cross machines. The package's default export is the plugin.
 *
 * ```ts
 * import zeromq from "@rivulet/transport-zeromq";
 * const plugin = zeromq();
 * const [channel] = await plugin.plan({ dataflowId: "df", runDir: "/tmp/run", options: {}, channels: [
 *   { channel: "a/out", producer: "a", output: "out", subscribers: ["b"] }] });
 * const publisher = await plugin.create({ dataflowId: "df", nodeId: "a" }).publish(channel!);
 * ```
 */
export { zeromq, zeromq as default } from "./zeromq-plugin.js";
export { ZeromqTransport, type ZeromqTransportTuning } from "./zeromq-transport.js";
export { ZeromqPublisher, type ZeromqEntry, ZEROMQ_PROBE_INTERVAL_MS } from "./zeromq-publisher.js";
export { ZeromqSubscription } from "./zeromq-subscription.js";
export { type ZeromqConnection, zeromqConnection } from "./zeromq-connection.js";
export { type ZeromqOptions, DEFAULT_ZEROMQ_BIND, DEFAULT_ZEROMQ_HEARTBEAT_INTERVAL_MS, DEFAULT_ZEROMQ_HEARTBEAT_TIMEOUT_MS, validateZeromqOptions, zeromqOptions } from "./zeromq-options.js";
export { ZmqKind } from "./zeromq-kinds.js";
export { ZEROMQ_IDLE_RECEIVE_MS } from "./receive-loop.js";
export { ZeromqBindError, ZeromqPortPickError, ZeromqPortRangeError } from "./zeromq-errors.js";
