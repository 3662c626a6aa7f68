import { type Json, type TransportOptionIssue, didYouMean } from "@rivulet/core";

/** Where nodes connect when `servers` is not given: a nats-server on this machine's default port. */
export const DEFAULT_NATS_SERVER = "nats://127.0.0.1:4222";
/** First wait between reconnect attempts when `reconnect_wait_ms` is not given; doubles up to DEFAULT_NATS_RECONNECT_CAP_MS. */
export const DEFAULT_NATS_RECONNECT_WAIT_MS = 250;
/** Longest wait between two reconnect attempts (backoff cap, before jitter). */
export const DEFAULT_NATS_RECONNECT_CAP_MS = 2_000;
/** Reconnect attempts per server before a connection gives up, when `max_reconnect_attempts` is not given (about 2 minutes). */
export const DEFAULT_NATS_MAX_RECONNECT_ATTEMPTS = 60;
/** Interval of a publisher's heartbeats when `heartbeat_ms` is not given. */
export const DEFAULT_NATS_HEARTBEAT_MS = 1_000;

/** JetStream mode (`jetstream:` in the YAML): `true`, or a map of limits on each channel's stream. */
export interface NatsJetStreamOptions {
  /** Frames older than this many seconds are removed from the stream (`max_age_s`); unlimited when absent. */
  maxAgeS?: number;
  /** A channel's stream keeps at most this many bytes, removing its oldest frames (`max_bytes`); unlimited when absent. */
  maxBytes?: number;
}

/** TLS files of a NATS connection (`tls:` in the YAML). */
export interface NatsTlsOptions {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

/** The NATS transport's options, validated, with defaults applied. */
export interface NatsOptions {
  servers: string[];
  /** Subject prefix; undefined means `rivulet.<dataflow id>` (see channelSubjects). */
  prefix?: string;
  token?: string;
  user?: string;
  password?: string;
  /** Path of a `.creds` file (JWT + NKey seed). */
  credentials?: string;
  tls?: NatsTlsOptions;
  reconnectWaitMs: number;
  /** -1: never give up. */
  maxReconnectAttempts: number;
  heartbeatMs: number;
  /** Set: frames go through JetStream streams (at-least-once, see jetstream-publisher.ts); absent: core NATS. */
  jetstream?: NatsJetStreamOptions;
}

const KNOWN = ["servers", "prefix", "token", "user", "password", "credentials", "tls", "reconnect_wait_ms", "max_reconnect_attempts", "heartbeat_ms", "jetstream"];
const TLS_KNOWN = ["ca_file", "cert_file", "key_file"];
const JETSTREAM_KNOWN = ["max_age_s", "max_bytes"];
const URL_SCHEMES = ["nats:", "tls:"];

/**
 * Checks `transports.<name>` of a `kind: nats` transport (see the README's options table):
 * unknown keys (with did-you-mean), `servers` as nats:// or tls:// URLs, a subject-safe
 * `prefix`, string credentials (`token`, `user` with `password`, or `credentials`: never two
 * kinds at once), `tls` files, positive integer timings, and `jetstream` (a boolean, or a map
 * of positive integer `max_age_s` and `max_bytes`).
 */
export function validateNatsOptions(options: Record<string, Json>): TransportOptionIssue[] {
  const issues: TransportOptionIssue[] = [];
  unknownKeys(options, KNOWN, [], issues);
  const servers = options.servers;
  if (servers !== undefined) {
    const list = typeof servers === "string" ? [servers] : servers;
    if (!Array.isArray(list) || list.length === 0) issues.push({ path: ["servers"], message: "servers must be a nats:// URL or a non-empty list of them" });
    else list.forEach((url, i) => checkUrl(url, typeof servers === "string" ? ["servers"] : ["servers", i], issues));
  }
  if (options.prefix !== undefined) {
    const prefix = options.prefix;
    if (typeof prefix !== "string" || !/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(prefix)) {
      issues.push({ path: ["prefix"], message: `prefix must be subject tokens (letters, digits, '_' or '-') joined by dots, such as "rivulet.lab", not ${JSON.stringify(prefix)}` });
    }
  }
  for (const key of ["token", "user", "password", "credentials"]) {
    if (options[key] !== undefined && (typeof options[key] !== "string" || options[key] === "")) issues.push({ path: [key], message: `${key} must be a non-empty string` });
  }
  if ((options.user === undefined) !== (options.password === undefined)) {
    issues.push({ path: [options.user === undefined ? "password" : "user"], message: "user and password go together: give both or neither" });
  }
  const kinds = [options.token !== undefined, options.user !== undefined, options.credentials !== undefined].filter(Boolean).length;
  if (kinds > 1) issues.push({ path: [], message: "give one way to authenticate: token, user/password or credentials" });
  const tls = options.tls;
  if (tls !== undefined) {
    if (tls === null || typeof tls !== "object" || Array.isArray(tls)) issues.push({ path: ["tls"], message: "tls must be a map of ca_file, cert_file and key_file" });
    else {
      unknownKeys(tls, TLS_KNOWN, ["tls"], issues);
      for (const key of TLS_KNOWN) if (tls[key] !== undefined && typeof tls[key] !== "string") issues.push({ path: ["tls", key], message: `tls.${key} must be a file path` });
      if ((tls.cert_file === undefined) !== (tls.key_file === undefined)) issues.push({ path: ["tls"], message: "tls.cert_file and tls.key_file go together" });
    }
  }
  const jetstream = options.jetstream;
  if (jetstream !== undefined && typeof jetstream !== "boolean") {
    if (jetstream === null || typeof jetstream !== "object" || Array.isArray(jetstream)) issues.push({ path: ["jetstream"], message: "jetstream must be true, false or a map of max_age_s and max_bytes" });
    else {
      unknownKeys(jetstream, JETSTREAM_KNOWN, ["jetstream"], issues);
      for (const key of JETSTREAM_KNOWN) {
        const value = jetstream[key];
        if (value !== undefined && !(Number.isInteger(value) && (value as number) > 0)) issues.push({ path: ["jetstream", key], message: `jetstream.${key} must be a positive integer, not ${JSON.stringify(value)}` });
      }
    }
  }
  positiveInteger(options, "reconnect_wait_ms", issues);
  positiveInteger(options, "heartbeat_ms", issues);
  const attempts = options.max_reconnect_attempts;
  if (attempts !== undefined && !(Number.isInteger(attempts) && (attempts as number) >= -1)) {
    issues.push({ path: ["max_reconnect_attempts"], message: `max_reconnect_attempts must be an integer, -1 for never giving up, not ${JSON.stringify(attempts)}` });
  }
  return issues;
}

/**
 * The options with defaults (see validateNatsOptions).
 * @throws RangeError for options that validateNatsOptions refuses.
 */
export function natsOptions(options: Record<string, Json>): NatsOptions {
  if (validateNatsOptions(options).length > 0) throw new RangeError("invalid nats transport options");
  const servers = options.servers === undefined ? [DEFAULT_NATS_SERVER] : typeof options.servers === "string" ? [options.servers] : (options.servers as string[]);
  const tls = options.tls as Record<string, string> | undefined;
  const result: NatsOptions = {
    servers: [...servers],
    reconnectWaitMs: (options.reconnect_wait_ms as number | undefined) ?? DEFAULT_NATS_RECONNECT_WAIT_MS,
    maxReconnectAttempts: (options.max_reconnect_attempts as number | undefined) ?? DEFAULT_NATS_MAX_RECONNECT_ATTEMPTS,
    heartbeatMs: (options.heartbeat_ms as number | undefined) ?? DEFAULT_NATS_HEARTBEAT_MS,
  };
  for (const key of ["prefix", "token", "user", "password", "credentials"] as const) if (typeof options[key] === "string") result[key] = options[key] as string;
  const jetstream = options.jetstream;
  if (jetstream === true) result.jetstream = {};
  else if (jetstream !== undefined && jetstream !== false) {
    const limits = jetstream as Record<string, number | undefined>;
    result.jetstream = { ...(limits.max_age_s ? { maxAgeS: limits.max_age_s } : {}), ...(limits.max_bytes ? { maxBytes: limits.max_bytes } : {}) };
  }
  if (tls) result.tls = { ...(tls.ca_file ? { caFile: tls.ca_file } : {}), ...(tls.cert_file ? { certFile: tls.cert_file } : {}), ...(tls.key_file ? { keyFile: tls.key_file } : {}) };
  return result;
}

function unknownKeys(options: Record<string, Json>, known: string[], path: string[], issues: TransportOptionIssue[]): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const suggestion = didYouMean(key, known);
    const where = path.length > 0 ? `${path.join(".")} of the nats transport` : "the nats transport";
    issues.push({ path: [...path, key], message: `unknown option '${key}': ${where} takes ${known.join(", ")}`, ...(suggestion ? { suggestion } : {}) });
  }
}

function checkUrl(url: Json, path: (string | number)[], issues: TransportOptionIssue[]): void {
  let parsed: URL | undefined;
  try {
    parsed = typeof url === "string" ? new URL(url) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed || !URL_SCHEMES.includes(parsed.protocol) || parsed.hostname === "") {
    const suggestion = typeof url === "string" && /^[^:/]+(:\d+)?$/.test(url) ? `nats://${url}` : undefined;
    issues.push({ path, message: `server ${JSON.stringify(url)} is not a nats:// (or tls://) URL with a host`, ...(suggestion ? { suggestion } : {}) });
  } else if (parsed.username || parsed.password) {
    issues.push({ path, message: "put credentials in token, user/password or credentials, not in the server URL" });
  }
}

function positiveInteger(options: Record<string, Json>, key: string, issues: TransportOptionIssue[]): void {
  const value = options[key];
  if (value !== undefined && !(Number.isInteger(value) && (value as number) > 0)) issues.push({ path: [key], message: `${key} must be a positive integer of milliseconds, not ${JSON.stringify(value)}` });
}
