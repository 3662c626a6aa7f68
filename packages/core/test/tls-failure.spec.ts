import { describe, expect, it } from "vitest";
import { tlsFailure } from "../src/tls-failure.js";

/** An error shaped as Node's TLS errors are: a `code`, and for OpenSSL alerts a `reason`. */
function nodeError(message: string, code: string, reason?: string): Error {
  return Object.assign(new Error(message), { code, ...(reason !== undefined ? { reason } : {}) });
}

// The real errors, from mosquitto and nats-server with throwaway certificates, are checked in
// transports/mqtt/test/mqtt-tls.spec.ts and transports/nats/test/nats-tls.spec.ts.
describe("tlsFailure", () => {
  it("reads an untrusted server certificate, also wrapped by a client library", () => {
    const node = nodeError("self-signed certificate in certificate chain", "SELF_SIGNED_CERT_IN_CHAIN");
    expect(tlsFailure(node)).toEqual({ kind: "server-certificate", reason: "self-signed certificate in certificate chain" });
    expect(tlsFailure(new Error("connection failed", { cause: new Error("wrapped", { cause: node }) }))).toEqual({ kind: "server-certificate", reason: "self-signed certificate in certificate chain" });
    expect(tlsFailure(nodeError("Hostname/IP does not match certificate's altnames", "ERR_TLS_CERT_ALTNAME_INVALID"))?.kind).toBe("server-certificate");
  });

  it("reads a server's alert about the client certificate by its reason, not the OpenSSL text around it", () => {
    const alert = nodeError("80EC:error:0A00045C:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required:rec_layer_s3.c:1601:\n", "ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED", "tlsv13 alert certificate required");
    expect(tlsFailure(alert)).toEqual({ kind: "client-certificate", reason: "tlsv13 alert certificate required" });
    expect(tlsFailure(nodeError("…", "ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE", "sslv3 alert bad certificate"))?.kind).toBe("client-certificate");
  });

  it("calls other TLS errors handshake failures, and anything else no TLS failure", () => {
    expect(tlsFailure(nodeError("…", "ERR_SSL_WRONG_VERSION_NUMBER", "wrong version number"))).toEqual({ kind: "handshake", reason: "wrong version number" });
    expect(tlsFailure(nodeError("connect ECONNREFUSED 127.0.0.1:1", "ECONNREFUSED"))).toBeUndefined();
    expect(tlsFailure(new Error("Authorization Violation"))).toBeUndefined();
    expect(tlsFailure("not an error")).toBeUndefined();
  });
});
