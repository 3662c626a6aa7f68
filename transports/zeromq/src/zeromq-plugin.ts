import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { InvalidTransportOptionsError, MAX_FRAME_BYTES, type PlanRequest, type PlannedChannel, type TransportPlugin } from "@rivulet/core";
import { planUnixConnection } from "@rivulet/transport-unix";
import { freePorts } from "./free-port.js";
import { type ZeromqConnection, tcpEndpoint } from "./zeromq-connection.js";
import { ZeromqPortPickError, ZeromqPortRangeError } from "./zeromq-errors.js";
import { validateZeromqOptions, zeromqOptions } from "./zeromq-options.js";
import { ZeromqTransport, type ZeromqTransportTuning } from "./zeromq-transport.js";

/** Bytes of randomness in a channel secret. */
const SECRET_BYTES = 32;

/**
 * The ZeroMQ transport plugin: per channel, the publisher binds a ROUTER socket and each
 * subscriber connects a DEALER to it, says HELLO (the channel's secret, its queue policy) and is
 * WELCOMEd; then frames, acknowledgements and credits flow over that pair (see ZeromqPublisher).
 * By default the endpoints are `ipc://` files in the run folder (one per channel); with
 * `protocol: tcp` they are TCP ports, so that nodes can run on other machines.
 *
 * ```yaml
 * transports:
 *   z: { kind: zeromq }                                   # ipc:// in the run folder
 *   net: { kind: zeromq, protocol: tcp, bind: 0.0.0.0, connect: camera-host.local }
 * ```
 *
 * @param tuning time limits for tests and embedders; nodes started by `rivulet run` use the defaults.
 */
export function zeromq(tuning: ZeromqTransportTuning = {}): TransportPlugin {
  return {
    kind: "zeromq",
    capabilities: { flowControl: true, publisherLoss: true, knowsSubscribers: true, preludes: true, zeroCopy: false, maxFrameBytes: MAX_FRAME_BYTES },
    plan: planZeromq,
    validate: validateZeromqOptions,
    create: () => new ZeromqTransport(tuning),
  };
}

/**
 * Plans every channel: an ipc file in the run folder (refused by SocketPathTooLongError when
 * the folder is too deep for a Unix socket path), or a TCP port (`port` + i, or free ports
 * picked now), with a fresh secret.
 * @throws InvalidTransportOptionsError, ZeromqPortRangeError, ZeromqPortPickError, SocketPathTooLongError.
 */
async function planZeromq(request: PlanRequest): Promise<PlannedChannel[]> {
  const issues = validateZeromqOptions(request.options);
  if (issues.length > 0) throw new InvalidTransportOptionsError("zeromq", issues);
  const options = zeromqOptions(request.options, hostname());
  const heartbeats = { heartbeatIntervalMs: options.heartbeatIntervalMs, heartbeatTimeoutMs: options.heartbeatTimeoutMs };
  const planned = (channel: string, connection: ZeromqConnection): PlannedChannel => ({ channel, kind: "zeromq", connection: { ...connection } });
  if (options.protocol === "ipc") {
    return request.channels.map((channel, index) => {
      const { path, secret, subscribers } = planUnixConnection(request.runDir, `z${index}.ipc`, channel);
      return planned(channel.channel, { bind: `ipc://${path}`, endpoint: `ipc://${path}`, secret, subscribers, ...heartbeats });
    });
  }
  const count = request.channels.length;
  let ports: number[];
  if (options.port === "auto") {
    try {
      ports = await freePorts(options.bind, count);
    } catch (cause) {
      throw new ZeromqPortPickError(options.bind, { cause });
    }
  } else {
    if (options.port + count - 1 > 65535) throw new ZeromqPortRangeError(options.port, count);
    ports = request.channels.map((_, index) => (options.port as number) + index);
  }
  return request.channels.map((channel, index) =>
    planned(channel.channel, {
      bind: tcpEndpoint(options.bind, ports[index]!),
      endpoint: tcpEndpoint(options.connect, ports[index]!),
      secret: randomBytes(SECRET_BYTES).toString("base64url"),
      subscribers: [...channel.subscribers],
      ...heartbeats,
    }),
  );
}
