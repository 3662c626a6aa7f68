import { TransportError } from "@rivulet/core";
import type { TlsFailure } from "@rivulet/core/internal";

/**
 * `plan()` could not reach any NATS server within its time limit (refused, unresolvable host,
 * no answer). Names the channels that would have used it and the URLs tried.
 */
export class NatsUnreachableError extends TransportError {
  constructor(
    readonly servers: readonly string[],
    readonly channels: readonly string[],
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(
      `nats transport: no NATS server reachable at ${servers.join(", ")} within ${timeoutMs} ms (channels ${channels.join(", ") || "none"}); start nats-server there or fix 'servers'`,
      channels[0],
      options,
    );
  }
}

/** The NATS server refused the credentials (token, user/password or .creds file) given in the options. */
export class NatsAuthorizationError extends TransportError {
  constructor(
    readonly servers: readonly string[],
    readonly channels: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(`nats transport: the server at ${servers.join(", ")} refused the credentials (channels ${channels.join(", ") || "none"}); check token, user/password or credentials`, channels[0], options);
  }
}

/** A `credentials` or `tls` file named in the options cannot be read. */
export class NatsFileError extends TransportError {
  constructor(
    readonly option: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(`nats transport: cannot read ${option} file ${path}${options?.cause instanceof Error ? ` (${options.cause.message})` : ""}`, undefined, options);
  }
}

/**
 * A node's NATS connection closed for good (it gave up reconnecting after
 * `max_reconnect_attempts`, or the server refused it): its subscriptions end with this error.
 */
export class NatsConnectionClosedError extends TransportError {
  constructor(channel: string, options?: { cause?: unknown }) {
    super(`nats transport: the connection for channel '${channel}' closed for good (gave up reconnecting, or refused by the server)`, channel, options);
  }
}

/**
 * TLS with the NATS server failed: it does not trust this side's certificate or wants one
 * (`kind: client-certificate`), this side does not trust the server's (`server-certificate`:
 * `tls.ca_file` missing or another CA), or the server does not speak TLS there (`handshake`).
 * `reason` is the TLS reason ("unable to verify the first certificate"). Retrying does not help.
 */
export class NatsTlsError extends TransportError {
  constructor(
    readonly servers: readonly string[],
    readonly channels: readonly string[],
    readonly kind: TlsFailure["kind"],
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    const hint =
      kind === "server-certificate"
        ? "set tls.ca_file to the CA that signed the server's certificate"
        : kind === "client-certificate"
          ? "the server wants a client certificate it trusts: set tls.cert_file and tls.key_file"
          : "check that the server speaks TLS at that address";
    super(`nats transport: TLS with the server at ${servers.join(", ")} failed (channels ${channels.join(", ") || "none"}): ${reason}; ${hint}`, channels[0], options);
  }
}

/**
 * The transport asks for `jetstream` but the server at `servers` has JetStream off (or off for
 * this account): found by `plan()` (at `check` and `run`) or by a node opening a channel.
 */
export class JetStreamNotEnabledError extends TransportError {
  constructor(
    readonly servers: readonly string[],
    readonly channels: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(
      `nats transport: JetStream is not enabled on ${servers.join(", ")} (channels ${channels.join(", ") || "none"}); start nats-server with -js (or a jetstream block in its config), or drop 'jetstream' from the transport`,
      channels[0],
      options,
    );
  }
}
