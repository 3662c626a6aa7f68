import { TransportError } from "@rivulet/core";

/**
 * The broker did not accept a connection within the time allowed: nothing listens at `url`, the
 * host is unreachable, or TLS failed. `channels` are the channels that needed it (at planning).
 */
export class MqttBrokerUnreachableError extends TransportError {
  constructor(
    readonly url: string,
    readonly channels: readonly string[],
    options?: { cause?: unknown },
  ) {
    const why = options?.cause instanceof Error ? `: ${options.cause.message}` : "";
    super(`mqtt transport: the broker at ${url} is not reachable${channels.length > 0 ? ` (needed by ${channels.join(", ")})` : ""}${why}`, channels[0], options);
  }
}

/**
 * The broker refused the connection in its CONNACK: bad user name or password, or not
 * authorized. `returnCode` is the MQTT 3.1.1 return code (4 or 5). Retrying does not help.
 */
export class MqttNotAuthorizedError extends TransportError {
  constructor(
    readonly url: string,
    readonly channels: readonly string[],
    readonly returnCode: number,
    options?: { cause?: unknown },
  ) {
    super(`mqtt transport: the broker at ${url} refused the connection: ${returnCode === 4 ? "bad user name or password" : "not authorized"} (CONNACK return code ${returnCode})${channels.length > 0 ? ` (for ${channels.join(", ")})` : ""}`, channels[0], options);
  }
}

/** A frame larger than an MQTT message can carry (`maxFrameBytes`). */
export class MqttFrameTooLargeError extends TransportError {
  constructor(
    channel: string,
    readonly bytes: number,
    readonly maxBytes: number,
  ) {
    super(`mqtt transport: a frame of ${bytes} bytes on ${channel} exceeds the largest an MQTT message carries here (${maxBytes} bytes)`, channel);
  }
}
