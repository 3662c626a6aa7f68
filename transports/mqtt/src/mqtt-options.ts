import { type Json, type TransportOptionIssue, didYouMean } from "@rivulet/core";

/** Broker URL when `url` is not given: a mosquitto on this machine, on MQTT's standard port. */
export const DEFAULT_MQTT_URL = "mqtt://127.0.0.1:1883";
/** QoS of data frames when `qos` is not given: at least once, redelivered after a broker restart. */
export const DEFAULT_MQTT_QOS = 1;
/** First delay before reconnecting to the broker when `reconnect_min_ms` is not given. */
export const DEFAULT_MQTT_RECONNECT_MIN_MS = 100;
/** Longest delay between reconnect attempts when `reconnect_max_ms` is not given. */
export const DEFAULT_MQTT_RECONNECT_MAX_MS = 5_000;
/** Client id prefix when `client_id` is not given. */
export const DEFAULT_MQTT_CLIENT_ID = "rivulet";
/** Longest reconnect delay taken: ten minutes (a larger number is more likely seconds mistaken for milliseconds). */
const MAX_RECONNECT_MS = 600_000;

/** The MQTT transport's options, resolved (defaults filled in); secrets included. */
export interface MqttOptions {
  url: string;
  /** Topic prefix, or undefined for the default (`rivulet/<dataflow name>`). */
  prefix: string | undefined;
  qos: 0 | 1 | 2;
  username: string | undefined;
  password: string | undefined;
  caFile: string | undefined;
  certFile: string | undefined;
  keyFile: string | undefined;
  rejectUnauthorized: boolean;
  clientId: string;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  /** True: sessions end with the connection (nothing is kept for a subscriber while it is away). */
  cleanSession: boolean;
}

const KNOWN = ["url", "prefix", "qos", "username", "password", "ca_file", "cert_file", "key_file", "reject_unauthorized", "client_id", "reconnect_min_ms", "reconnect_max_ms", "clean_session"];
const STRINGS = ["prefix", "username", "password", "ca_file", "cert_file", "key_file", "client_id"];
const BOOLEANS = ["reject_unauthorized", "clean_session"];
const SCHEMES = ["mqtt:", "mqtts:"];
/** What a topic prefix or client id may not hold: MQTT wildcards, NUL, and (client ids) slashes or spaces. */
const PREFIX_FORBIDDEN = /[+#\u0000]/;
const CLIENT_ID = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * Checks `transports.<name>` of a `kind: mqtt` transport (the options table is in the README).
 * Unknown keys and misspelt values come with a "did you mean".
 */
export function validateMqttOptions(options: Record<string, Json>): TransportOptionIssue[] {
  const issues: TransportOptionIssue[] = [];
  const issue = (key: string, message: string, suggestion?: string): void => {
    issues.push({ path: [key], message, ...(suggestion ? { suggestion } : {}) });
  };
  for (const key of Object.keys(options)) {
    if (!KNOWN.includes(key)) issue(key, `unknown option '${key}': the mqtt transport takes ${KNOWN.join(", ")}`, didYouMean(key, KNOWN));
  }
  const { url, prefix, qos, client_id: clientId, username, password } = options;
  if (url !== undefined) {
    const parsed = typeof url === "string" && URL.canParse(url) ? new URL(url) : undefined;
    if (!parsed || !SCHEMES.includes(parsed.protocol) || parsed.hostname === "") {
      const scheme = typeof url === "string" ? /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url)?.[1] : undefined;
      const suggestion = scheme !== undefined ? didYouMean(`${scheme}:`, SCHEMES) : undefined;
      issue("url", `url must be mqtt://host:port or mqtts://host:port, not ${JSON.stringify(url)}`, suggestion && typeof url === "string" ? url.replace(/^[^:]+:/, suggestion) : undefined);
    } else if (parsed.username !== "" || parsed.password !== "") {
      issue("url", "url must not hold credentials: give username and password as options");
    }
  }
  for (const key of STRINGS) {
    if (options[key] !== undefined && (typeof options[key] !== "string" || options[key] === "")) issue(key, `${key} must be a non-empty string, not ${JSON.stringify(options[key])}`);
  }
  for (const key of BOOLEANS) {
    if (options[key] !== undefined && typeof options[key] !== "boolean") issue(key, `${key} must be true or false, not ${JSON.stringify(options[key])}`);
  }
  if (typeof prefix === "string" && (PREFIX_FORBIDDEN.test(prefix) || prefix.startsWith("/") || prefix.endsWith("/") || prefix.startsWith("$"))) {
    issue("prefix", `prefix must be a topic without wildcards (+, #), without a leading $ and without a leading or trailing /, not ${JSON.stringify(prefix)}`);
  }
  if (qos !== undefined && qos !== 0 && qos !== 1 && qos !== 2) {
    issue("qos", `qos must be 0, 1 or 2, not ${JSON.stringify(qos)}`, typeof qos === "string" && ["0", "1", "2"].includes(qos) ? qos : undefined);
  }
  if (typeof clientId === "string" && !CLIENT_ID.test(clientId)) issue("client_id", `client_id must be 1 to 64 of A-Z a-z 0-9 _ . -, not ${JSON.stringify(clientId)}`);
  if (password !== undefined && username === undefined) issue("password", "password needs a username");
  for (const key of ["reconnect_min_ms", "reconnect_max_ms"]) {
    const value = options[key];
    if (value !== undefined && !(Number.isInteger(value) && (value as number) >= 1 && (value as number) <= MAX_RECONNECT_MS)) {
      issue(key, `${key} must be an integer from 1 to ${MAX_RECONNECT_MS}, not ${JSON.stringify(value)}`);
    }
  }
  const min = options.reconnect_min_ms;
  const max = options.reconnect_max_ms;
  if (Number.isInteger(min) && Number.isInteger(max) && (min as number) > (max as number)) issue("reconnect_min_ms", `reconnect_min_ms (${String(min)}) must not exceed reconnect_max_ms (${String(max)})`);
  const tls = ["ca_file", "cert_file", "key_file", "reject_unauthorized"].filter((key) => options[key] !== undefined);
  const secure = typeof url === "string" && url.startsWith("mqtts:");
  for (const key of tls) if (!secure) issue(key, `${key} applies to mqtts:// URLs only`);
  if ((options.cert_file === undefined) !== (options.key_file === undefined)) issue(options.cert_file === undefined ? "key_file" : "cert_file", "cert_file and key_file go together (a client certificate and its key)");
  return issues;
}

/**
 * The resolved options of valid options (see validateMqttOptions), defaults filled in.
 * @throws RangeError for options that validateMqttOptions refuses.
 */
export function mqttOptions(options: Record<string, Json>): MqttOptions {
  if (validateMqttOptions(options).length > 0) throw new RangeError(`invalid mqtt options ${JSON.stringify(Object.keys(options))}`);
  const text = (key: string): string | undefined => options[key] as string | undefined;
  const min = (options.reconnect_min_ms as number | undefined) ?? DEFAULT_MQTT_RECONNECT_MIN_MS;
  return {
    url: text("url") ?? DEFAULT_MQTT_URL,
    prefix: text("prefix"),
    qos: (options.qos as 0 | 1 | 2 | undefined) ?? DEFAULT_MQTT_QOS,
    username: text("username"),
    password: text("password"),
    caFile: text("ca_file"),
    certFile: text("cert_file"),
    keyFile: text("key_file"),
    rejectUnauthorized: (options.reject_unauthorized as boolean | undefined) ?? true,
    clientId: text("client_id") ?? DEFAULT_MQTT_CLIENT_ID,
    reconnectMinMs: min,
    reconnectMaxMs: (options.reconnect_max_ms as number | undefined) ?? Math.max(min, DEFAULT_MQTT_RECONNECT_MAX_MS),
    cleanSession: (options.clean_session as boolean | undefined) ?? false,
  };
}
