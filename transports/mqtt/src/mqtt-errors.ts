import { TransportError } from "@rivulet/core";
import type { TlsFailure } from "@rivulet/core/internal";

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

/**
 * TLS with the broker failed: it does not trust this side's certificate or wants one
 * (`kind: client-certificate`), this side does not trust the broker's (`server-certificate`:
 * `ca_file` missing or another CA), or the broker does not speak TLS there (`handshake`).
 * `reason` is the TLS reason ("self-signed certificate in certificate chain"). Retrying does not help.
 */
export class MqttTlsError extends TransportError {
  constructor(
    readonly url: string,
    readonly channels: readonly string[],
    readonly kind: TlsFailure["kind"],
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    const hint =
      kind === "server-certificate"
        ? "set ca_file to the CA that signed the broker's certificate"
        : kind === "client-certificate"
          ? "the broker wants a client certificate it trusts: set cert_file and key_file"
          : "check that the broker speaks MQTT over TLS at that address";
    super(`mqtt transport: TLS with the broker at ${url} failed${channels.length > 0 ? ` (for ${channels.join(", ")})` : ""}: ${reason}; ${hint}`, channels[0], options);
  }
}

/** A `ca_file`, `cert_file` or `key_file` named in the options cannot be read. */
export class MqttFileError extends TransportError {
  constructor(
    readonly option: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(`mqtt transport: cannot read ${option} ${path}${options?.cause instanceof Error ? ` (${options.cause.message})` : ""}`, undefined, options);
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
