import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { BrokerStartError, commandOutput } from "./broker-errors.js";

const run = promisify(execFile);

/** How long one `openssl` command may take (key generation is the slow one: milliseconds). */
const OPENSSL_TIMEOUT_MS = 10_000;
/** Lifetime of the throwaway certificates: a test run, with room for a slow machine. */
const VALID_DAYS = "2";

/** What `tls` of `startMosquitto` and `startNats` asks for. */
export interface BrokerTlsInit {
  /**
   * Also make a client certificate and key signed by the same CA, and make the broker require
   * one (mosquitto `require_certificate true`, nats-server `verify: true`): a client without a
   * certificate, or with one of another CA, fails the TLS handshake. Default false.
   */
  clientCerts?: boolean;
}

/** The files a client of a TLS broker needs, all PEM, in the broker's folder. */
export interface BrokerTlsFiles {
  /** The throwaway CA that signed the broker's certificate (and the client's): trust this one. */
  caFile: string;
  /** The client certificate, with `clientCerts` only (the broker then refuses clients without one). */
  certFile?: string;
  /** The client certificate's private key, with `clientCerts` only. */
  keyFile?: string;
}

/** The files the broker itself is configured with. */
export interface ServerTlsFiles {
  caFile: string;
  certFile: string;
  keyFile: string;
  /** True when the broker must require a client certificate signed by `caFile`. */
  requireClientCert: boolean;
}

/**
 * `openssl` settings for the three certificates: explicit extensions rather than the system's
 * openssl.cnf, whose defaults differ between distributions. The server's names are the only
 * ones the brokers are reached by: 127.0.0.1, and localhost for clients that connect by name.
 */
const OPENSSL_CONFIG = `[req]
distinguished_name = dn
[dn]
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
authorityKeyIdentifier = keyid
[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
authorityKeyIdentifier = keyid
`;

/**
 * Makes, with the `openssl` command line run in `dir/tls`, a throwaway CA (P-256 keys), a
 * server certificate for 127.0.0.1 and localhost signed by it, and with `clientCerts` a client
 * certificate signed by it too. Called once per broker: restarts reuse the files, and `close()`
 * removes them with the broker's folder. The CA's key stays in the folder (no one else needs it).
 * @param openssl the absolute path of the `openssl` binary.
 * @param broker the broker's name, for the error.
 * @throws BrokerStartError when an openssl command fails (its output is in the message).
 */
export async function writeTlsFiles(openssl: string, dir: string, broker: string, init: BrokerTlsInit): Promise<{ server: ServerTlsFiles; client: BrokerTlsFiles }> {
  const folder = join(dir, "tls");
  await mkdir(folder, { mode: 0o700 });
  const config = join(folder, "openssl.cnf");
  await writeFile(config, OPENSSL_CONFIG, { mode: 0o600 });
  const step = async (args: string[]): Promise<void> => {
    try {
      await run(openssl, args, { cwd: folder, timeout: OPENSSL_TIMEOUT_MS });
    } catch (error) {
      throw new BrokerStartError(broker, 0, `openssl could not make the TLS files ('openssl ${args.join(" ")}')`, commandOutput(error), { cause: error });
    }
  };
  const key = (name: string): Promise<void> => step(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", name]);
  /** A certificate for `name`.key, signed by the CA, with the extensions of `section`. */
  const signed = async (name: string, subject: string, section: string): Promise<void> => {
    await key(`${name}.key`);
    await step(["req", "-new", "-key", `${name}.key`, "-subj", subject, "-config", config, "-out", `${name}.csr`]);
    await step(["x509", "-req", "-in", `${name}.csr`, "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", VALID_DAYS, "-extfile", config, "-extensions", section, "-out", `${name}.pem`]);
  };

  await key("ca.key");
  await step(["req", "-new", "-x509", "-key", "ca.key", "-subj", "/CN=rivulet test CA", "-days", VALID_DAYS, "-config", config, "-extensions", "ca", "-out", "ca.pem"]);
  await signed("server", "/CN=localhost", "server");
  const caFile = join(folder, "ca.pem");
  const server: ServerTlsFiles = { caFile, certFile: join(folder, "server.pem"), keyFile: join(folder, "server.key"), requireClientCert: init.clientCerts === true };
  if (!init.clientCerts) return { server, client: { caFile } };
  await signed("client", "/CN=rivulet test client", "client");
  return { server, client: { caFile, certFile: join(folder, "client.pem"), keyFile: join(folder, "client.key") } };
}
