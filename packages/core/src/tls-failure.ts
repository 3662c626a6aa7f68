/**
 * Why a TLS connection to a broker failed, read from the error Node (or a client library
 * wrapping it) gave, so that a transport can say which of its options to fix.
 */
export interface TlsFailure {
  /**
   * `server-certificate`: this side does not trust the server's certificate (self-signed, signed
   * by a CA it was not given, expired, or for another name): the CA option is missing or wrong.
   * `client-certificate`: the server refused the client's certificate, or the lack of one.
   * `handshake`: any other TLS failure (the server does not speak TLS there, say).
   */
  kind: "server-certificate" | "client-certificate" | "handshake";
  /** The TLS reason in a few words: "self-signed certificate in certificate chain", "tlsv13 alert certificate required". */
  reason: string;
}

/** Node's codes for a server certificate that fails verification (OpenSSL's X509 verify results, and the name check). */
const SERVER_CERTIFICATE = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_UNTRUSTED",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_SIGNATURE_FAILURE",
  "CERT_REVOKED",
  "INVALID_CA",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);
/** Alerts a server sends when it does not accept the client's certificate (or got none). */
const CLIENT_CERTIFICATE_ALERT = /alert (certificate required|bad certificate|unknown ca|certificate unknown|certificate expired|certificate revoked|unsupported certificate)/i;
/** How deep the `cause` chain is searched: client libraries wrap Node's error once or twice. */
const MAX_CAUSES = 4;

/**
 * The TLS failure in `error` or one of its causes, or undefined when it is not a TLS failure
 * (refused, timed out, bad credentials).
 */
export function tlsFailure(error: unknown): TlsFailure | undefined {
  let current: unknown = error;
  for (let depth = 0; depth <= MAX_CAUSES && current instanceof Error; depth++, current = current.cause) {
    const { code, reason } = current as Error & { code?: unknown; reason?: unknown };
    const text = typeof reason === "string" ? reason : (current.message.split("\n")[0] ?? "");
    if (typeof code !== "string") continue;
    if (SERVER_CERTIFICATE.has(code)) return { kind: "server-certificate", reason: text };
    if (code.startsWith("ERR_SSL_") && CLIENT_CERTIFICATE_ALERT.test(text)) return { kind: "client-certificate", reason: text };
    if (code.startsWith("ERR_SSL_") || code.startsWith("ERR_TLS_")) return { kind: "handshake", reason: text };
  }
  return undefined;
}
