import { isIP } from "node:net";
import { type Json, type TransportOptionIssue, didYouMean } from "@rivulet/core";

/** Bind address of `protocol: tcp` when `bind` is not given: this machine only. */
export const DEFAULT_ZEROMQ_BIND = "127.0.0.1";
/** ZMTP heartbeat interval when `heartbeat_interval_ms` is not given. */
export const DEFAULT_ZEROMQ_HEARTBEAT_INTERVAL_MS = 1_000;
/** How long a connection may stay silent (heartbeats unanswered) when `heartbeat_timeout_ms` is not given. */
export const DEFAULT_ZEROMQ_HEARTBEAT_TIMEOUT_MS = 5_000;

/** The ZeroMQ transport's options, as planned. */
export type ZeromqOptions =
  | { protocol: "ipc"; heartbeatIntervalMs: number; heartbeatTimeoutMs: number }
  | {
      protocol: "tcp";
      /** Address publishers bind (an IP address, or `0.0.0.0` / `::` for every interface). */
      bind: string;
      /** Host or address subscribers connect to. */
      connect: string;
      /** The first channel's port (channel i uses port + i), or `auto`: free ports picked at planning. */
      port: number | "auto";
      heartbeatIntervalMs: number;
      heartbeatTimeoutMs: number;
    };

const PROTOCOLS = ["ipc", "tcp"];
const KNOWN = ["protocol", "bind", "connect", "port", "heartbeat_interval_ms", "heartbeat_timeout_ms"];
const TCP_ONLY = ["bind", "connect", "port"];
/** Longest heartbeat setting taken: ten minutes (a larger number is more likely seconds mistaken for milliseconds). */
const MAX_HEARTBEAT_MS = 600_000;
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/**
 * Checks `transports.<name>` of a `kind: zeromq` transport: `protocol` (`ipc`, the default, or
 * `tcp`); with `tcp` only, `bind` (an IP address), `connect` (a host name or IP address) and
 * `port` (1 to 65535, or `auto`); `heartbeat_interval_ms` and `heartbeat_timeout_ms` (positive
 * integers). Unknown keys and values come with a "did you mean".
 */
export function validateZeromqOptions(options: Record<string, Json>): TransportOptionIssue[] {
  const issues: TransportOptionIssue[] = [];
  const issue = (key: string, message: string, suggestion?: string): void => {
    issues.push({ path: [key], message, ...(suggestion ? { suggestion } : {}) });
  };
  for (const key of Object.keys(options)) {
    if (!KNOWN.includes(key)) issue(key, `unknown option '${key}': the zeromq transport takes ${KNOWN.join(", ")}`, didYouMean(key, KNOWN));
  }
  const { protocol, bind, connect, port } = options;
  if (protocol !== undefined && !PROTOCOLS.includes(protocol as string)) {
    issue("protocol", `protocol must be ipc or tcp, not ${JSON.stringify(protocol)}`, typeof protocol === "string" ? didYouMean(protocol, PROTOCOLS) : undefined);
  }
  if (protocol !== "tcp") {
    for (const key of TCP_ONLY) if (options[key] !== undefined) issue(key, `${key} applies to protocol: tcp only (this transport uses ${protocol === "ipc" ? "ipc" : "ipc, the default"})`);
  }
  if (bind !== undefined && (typeof bind !== "string" || isIP(bind) === 0)) {
    issue("bind", `bind must be an IP address of this machine (or 0.0.0.0 for every interface), not ${JSON.stringify(bind)}`);
  }
  if (connect !== undefined && (typeof connect !== "string" || (isIP(connect) === 0 && !HOSTNAME.test(connect)) || connect === "0.0.0.0" || connect === "::")) {
    issue("connect", `connect must be the host name or IP address subscribers reach the publisher at, not ${JSON.stringify(connect)}`);
  }
  if (port !== undefined && port !== "auto" && !(Number.isInteger(port) && (port as number) >= 1 && (port as number) <= 65535)) {
    issue("port", `port must be an integer from 1 to 65535, or auto, not ${JSON.stringify(port)}`, typeof port === "string" ? didYouMean(port, ["auto"]) : undefined);
  }
  for (const key of ["heartbeat_interval_ms", "heartbeat_timeout_ms"]) {
    const value = options[key];
    if (value !== undefined && !(Number.isInteger(value) && (value as number) >= 1 && (value as number) <= MAX_HEARTBEAT_MS)) {
      issue(key, `${key} must be an integer from 1 to ${MAX_HEARTBEAT_MS}, not ${JSON.stringify(value)}`);
    }
  }
  return issues;
}

/**
 * The planned options of valid options (see validateZeromqOptions), defaults filled in. With
 * `tcp` and no `connect`, subscribers connect to `bind`, or to `hostname` when `bind` is a
 * wildcard.
 * @throws RangeError for options that validateZeromqOptions refuses.
 */
export function zeromqOptions(options: Record<string, Json>, hostname: string): ZeromqOptions {
  if (validateZeromqOptions(options).length > 0) throw new RangeError(`invalid zeromq options ${JSON.stringify(options)}`);
  const heartbeatIntervalMs = (options.heartbeat_interval_ms as number | undefined) ?? DEFAULT_ZEROMQ_HEARTBEAT_INTERVAL_MS;
  const heartbeatTimeoutMs = (options.heartbeat_timeout_ms as number | undefined) ?? DEFAULT_ZEROMQ_HEARTBEAT_TIMEOUT_MS;
  if (options.protocol !== "tcp") return { protocol: "ipc", heartbeatIntervalMs, heartbeatTimeoutMs };
  const bind = (options.bind as string | undefined) ?? DEFAULT_ZEROMQ_BIND;
  const wildcard = bind === "0.0.0.0" || bind === "::";
  const connect = (options.connect as string | undefined) ?? (wildcard ? hostname : bind);
  return { protocol: "tcp", bind, connect, port: (options.port as number | "auto" | undefined) ?? "auto", heartbeatIntervalMs, heartbeatTimeoutMs };
}
