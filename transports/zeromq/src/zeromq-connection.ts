import { type PlannedChannel, TransportError } from "@rivulet/core";

/** Connection info the ZeroMQ plugin plans for a channel. */
export interface ZeromqConnection {
  /** The endpoint the publisher binds: `ipc:///run/folder/z0.ipc` or `tcp://0.0.0.0:40123`. */
  bind: string;
  /** The endpoint subscribers connect to: the same ipc path, or `tcp://host:40123`. */
  endpoint: string;
  /** Per-channel secret every subscriber presents in its HELLO (random, base64url). */
  secret: string;
  /** Node ids allowed to subscribe. */
  subscribers: string[];
  /** ZMTP heartbeat interval of both ends, in milliseconds. */
  heartbeatIntervalMs: number;
  /** How long a connection may go without an answered heartbeat before ZeroMQ drops it, in milliseconds. */
  heartbeatTimeoutMs: number;
}

/**
 * The ZeroMQ connection info of a planned channel.
 * @throws TransportError when the plan lacks a field or a field has the wrong type.
 */
export function zeromqConnection(channel: PlannedChannel): ZeromqConnection {
  const c = channel.connection as Partial<ZeromqConnection> | null;
  if (
    typeof c?.bind !== "string" ||
    typeof c.endpoint !== "string" ||
    typeof c.secret !== "string" ||
    !Array.isArray(c.subscribers) ||
    !c.subscribers.every((s) => typeof s === "string") ||
    typeof c.heartbeatIntervalMs !== "number" ||
    typeof c.heartbeatTimeoutMs !== "number"
  ) {
    throw new TransportError(`channel '${channel.channel}' has no ZeroMQ endpoints, secret, subscriber list and heartbeats in its plan`, channel.channel);
  }
  return { bind: c.bind, endpoint: c.endpoint, secret: c.secret, subscribers: c.subscribers, heartbeatIntervalMs: c.heartbeatIntervalMs, heartbeatTimeoutMs: c.heartbeatTimeoutMs };
}

/** A tcp endpoint string, with an IPv6 address in brackets. */
export function tcpEndpoint(host: string, port: number | "*"): string {
  return `tcp://${host.includes(":") ? `[${host}]` : host}:${port}`;
}
