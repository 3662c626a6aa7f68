import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { type ChannelRequest, InvalidTransportOptionsError, MAX_FRAME_BYTES, type Json, type PlanRequest, type PlannedChannel, type TransportOptionIssue, type TransportPlugin } from "@rivulet/core";
import { SocketPathTooLongError } from "./socket-path-error.js";
import { type UnixConnection, UnixTransport, type UnixTransportTuning } from "./unix-transport.js";

/** Options of the Unix transport (none yet; `transports.<name>` may only give `kind: unix`). */
export type UnixTransportInit = Record<string, never>;

/** Longest socket path Linux accepts (sun_path is 108 bytes including the NUL). */
const MAX_SOCKET_PATH = 107;
/** Bytes of randomness in a channel secret. */
const SECRET_BYTES = 32;

/**
 * The Unix-socket transport plugin: one listening socket per channel in the run folder,
 * subscribers connect to it. No broker; node to node. Each planned channel carries a fresh
 * secret and the ids of its subscribers: the publisher accepts only those, with that secret.
 *
 * ```ts
 * const plugins = { unix: unix() };
 * ```
 *
 * @param tuning time limits for tests and embedders; nodes started by `rivulet run` use the defaults.
 */
export function unix(tuning: UnixTransportTuning = {}): TransportPlugin {
  return {
    kind: "unix",
    capabilities: { flowControl: true, publisherLoss: true, knowsSubscribers: true, preludes: true, zeroCopy: false, maxFrameBytes: MAX_FRAME_BYTES },
    plan(request: PlanRequest): PlannedChannel[] {
      const issues = validate(request.options);
      if (issues.length > 0) throw new InvalidTransportOptionsError("unix", issues);
      return request.channels.map((channel, index) => ({ channel: channel.channel, kind: "unix", connection: { ...planUnixConnection(request.runDir, `u${index}.sock`, channel) } }));
    },
    validate,
    create: () => new UnixTransport(tuning),
  };
}

/**
 * A channel's Unix connection: its socket `file` in the run folder, a fresh secret, and its
 * subscribers. Also for transports that run this protocol on their socket (shared memory).
 * @throws SocketPathTooLongError when the socket path is longer than Linux accepts.
 */
export function planUnixConnection(runDir: string, file: string, channel: ChannelRequest): UnixConnection {
  const path = join(runDir, file);
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH) throw new SocketPathTooLongError(channel.channel, path, MAX_SOCKET_PATH);
  return { path, secret: randomBytes(SECRET_BYTES).toString("base64url"), subscribers: [...channel.subscribers] };
}

/** The unix transport takes no options: every key besides `kind` is an issue. */
function validate(options: Record<string, Json>): TransportOptionIssue[] {
  return Object.keys(options).map((key) => ({ path: [key], message: `unknown option '${key}': the unix transport takes no options` }));
}
