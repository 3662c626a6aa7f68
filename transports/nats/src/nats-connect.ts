import { readFileSync } from "node:fs";
import { type NatsConnection, type NodeConnectionOptions, type TlsOptions, connect, credsAuthenticator } from "@nats-io/transport-node";
import { tlsFailure } from "@rivulet/core/internal";
import { NatsAuthorizationError, NatsFileError, NatsTlsError, NatsUnreachableError } from "./nats-errors.js";
import { DEFAULT_NATS_RECONNECT_CAP_MS, type NatsOptions } from "./nats-options.js";

/** How long `plan()` waits for a NATS server to answer before it fails the plan. */
export const NATS_PLAN_TIMEOUT_MS = 3_000;
/** How long a node waits for the server's handshake when it first connects. */
export const NATS_CONNECT_TIMEOUT_MS = 5_000;

/**
 * The nats.js connection options for `options`: servers, credentials (a .creds file is read
 * here), TLS (its files are read here; required whenever `tls` is given or a server URL is
 * `tls://`, which nats.js alone does not enforce), and reconnects with exponential backoff from `reconnectWaitMs` doubling up
 * to DEFAULT_NATS_RECONNECT_CAP_MS, with up to half of it again as jitter; the backoff starts
 * over after each successful reconnect (`resetBackoff`).
 * @throws NatsFileError when the .creds file or a TLS file cannot be read.
 */
export function connectionOptions(options: NatsOptions, name: string): { options: NodeConnectionOptions; resetBackoff: () => void } {
  let attempt = 0;
  const cap = Math.max(options.reconnectWaitMs, DEFAULT_NATS_RECONNECT_CAP_MS);
  const result: NodeConnectionOptions = {
    servers: options.servers,
    name,
    reconnect: true,
    maxReconnectAttempts: options.maxReconnectAttempts,
    reconnectDelayHandler: () => {
      const wait = Math.min(cap, options.reconnectWaitMs * 2 ** attempt++);
      return Math.round(wait + Math.random() * (wait / 2));
    },
    timeout: NATS_CONNECT_TIMEOUT_MS,
    // Rivulet's own heartbeats find a dead publisher; these find a dead server connection.
    pingInterval: Math.max(2_000, options.heartbeatMs * 2),
    maxPingOut: 3,
  };
  if (options.token !== undefined) result.token = options.token;
  if (options.user !== undefined) {
    result.user = options.user;
    result.pass = options.password ?? "";
  }
  if (options.credentials !== undefined) result.authenticator = credsAuthenticator(readOptionFile("credentials", options.credentials));
  if (options.tls || options.servers.some((server) => server.startsWith("tls:"))) result.tls = tlsOptions(options);
  return { options: result, resetBackoff: () => (attempt = 0) };
}

/**
 * The TLS files' contents: a non-null `tls` also makes nats.js refuse a server that offers no
 * TLS ("server does not support 'tls'") instead of talking to it in the clear.
 */
function tlsOptions({ tls = {} }: NatsOptions): TlsOptions {
  return {
    ...(tls.caFile !== undefined ? { ca: readOptionFile("tls.ca_file", tls.caFile).toString() } : {}),
    ...(tls.certFile !== undefined ? { cert: readOptionFile("tls.cert_file", tls.certFile).toString() } : {}),
    ...(tls.keyFile !== undefined ? { key: readOptionFile("tls.key_file", tls.keyFile).toString() } : {}),
  };
}

/** @throws NatsFileError naming the option when the file cannot be read. */
function readOptionFile(option: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (cause) {
    throw new NatsFileError(option, path, { cause });
  }
}

/** nats.js's error when TLS is asked for and the server's INFO offers none. */
const NO_TLS = /does not support 'tls'|tls is not available/;

/** Whether a nats.js error is the server refusing the credentials. */
export function isAuthorizationError(error: unknown): boolean {
  return error instanceof Error && (error.name === "AuthorizationError" || /authorization violation|authentication/i.test(error.message));
}

/**
 * Checks, for `plan()`, that a server of `options.servers` accepts a connection with the
 * options' credentials, within `timeoutMs`; the probe connection is closed before this
 * resolves (or, when the time limit won, as soon as it opens), so nothing stays open. `check`,
 * when given, runs on the open connection before it closes (JetStream's presence, say).
 * @throws NatsAuthorizationError when the server refuses the credentials.
 * @throws NatsTlsError when TLS fails (an untrusted certificate on either side, no TLS there).
 * @throws NatsUnreachableError when no server answers in time.
 * @throws NatsFileError when the .creds file or a TLS file cannot be read.
 */
export async function probeNats(options: NatsOptions, channels: readonly string[], timeoutMs = NATS_PLAN_TIMEOUT_MS, check?: (nc: NatsConnection) => Promise<void>): Promise<void> {
  const base = connectionOptions(options, "rivulet-plan").options;
  const connecting = connect({ ...base, reconnect: false, maxReconnectAttempts: 0, timeout: timeoutMs });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
  let outcome: NatsConnection | "timeout";
  try {
    outcome = await Promise.race([connecting, timedOut]);
  } catch (cause) {
    if (isAuthorizationError(cause)) throw new NatsAuthorizationError(options.servers, channels, { cause });
    const tls = tlsFailure(cause) ?? (NO_TLS.test(String((cause as Error)?.message)) ? { kind: "handshake" as const, reason: "the server does not offer TLS" } : undefined);
    if (tls) throw new NatsTlsError(options.servers, channels, tls.kind, tls.reason, { cause });
    throw new NatsUnreachableError(options.servers, channels, timeoutMs, { cause });
  } finally {
    clearTimeout(timer);
  }
  if (outcome === "timeout") {
    // Too late for the plan; close it if it still comes up.
    connecting.then((nc) => nc.close()).catch(() => {});
    throw new NatsUnreachableError(options.servers, channels, timeoutMs);
  }
  try {
    await check?.(outcome);
  } finally {
    await outcome.close();
  }
}
