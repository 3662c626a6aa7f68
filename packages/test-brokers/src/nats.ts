import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Broker, BrokerInit } from "./broker.js";
import { type BrokerRecipe, type LocalBrokerComponents, launchBroker } from "./local-broker.js";

/** How clients of a NATS test server authenticate: a token, or a user and password. */
export type NatsAuth = { token: string } | { user: string; password: string };

/** Options of `startNats`. */
export interface NatsInit extends BrokerInit {
  /**
   * Require this token or user (config `authorization { ... }`): a client without it, or with
   * another, gets `-ERR 'Authorization Violation'`. Without it anyone may connect.
   */
  auth?: NatsAuth;
  /** Run JetStream, stored in the temporary folder (kept across restarts); default true. */
  jetstream?: boolean;
}

/**
 * Starts a real `nats-server` on a free port of 127.0.0.1, JetStream on unless `jetstream` is
 * false, and resolves once it accepts TCP connections. JetStream's `store_dir` is in the
 * temporary folder, so streams and their messages survive `stop()` + `start()`.
 *
 * ```ts
 * const nats = await startNats({ auth: { token: "s3cret" } });
 * try { await useNats(nats.url, "s3cret"); } finally { await nats.close(); }
 * ```
 * With `tls`, the server requires TLS of every client (URL `tls://`; nats.js upgrades after the
 * server's INFO), and with `tls.clientCerts` a client certificate too (`verify: true`).
 *
 * @throws BrokerBinaryMissingError when `nats-server` is not installed:
 *   `apt-get install -y nats-server`; with `tls`, when `openssl` is not.
 * @throws BrokerStartError when it does not come up (its last output is in the message).
 */
export function startNats(init: NatsInit = {}): Promise<Broker> {
  return launchBroker(natsRecipe(init), init);
}

/** `startNats` with collaborators replaced (tests of this package). */
export function startNatsWith(init: NatsInit, components: Partial<LocalBrokerComponents>): Promise<Broker> {
  return launchBroker(natsRecipe(init), init, components);
}

function natsRecipe(init: NatsInit): BrokerRecipe {
  return {
    binary: { name: "nats-server", aptPackage: "nats-server", ...(init.binary !== undefined ? { override: init.binary } : {}) },
    scheme: { plain: "nats", tls: "tls" },
    async prepare(dir, port, tls) {
      const store = join(dir, "jetstream");
      const lines = ["# Written by @rivulet/test-brokers for one test server.", `listen: ${quote(`127.0.0.1:${port}`)}`];
      if (init.jetstream ?? true) {
        await mkdir(store, { recursive: true });
        lines.push(`jetstream { store_dir: ${quote(store)} }`);
      }
      // Clients must upgrade to TLS after the server's INFO (nats-server's usual handshake); the
      // handshake timeout is raised from 0.5 s for a busy test machine.
      if (tls) lines.push(`tls { ca_file: ${quote(tls.caFile)}, cert_file: ${quote(tls.certFile)}, key_file: ${quote(tls.keyFile)}, verify: ${tls.requireClientCert}, timeout: 5 }`);
      if (init.auth && "token" in init.auth) lines.push(`authorization { token: ${quote(init.auth.token)} }`);
      else if (init.auth) lines.push(`authorization { user: ${quote(init.auth.user)}, password: ${quote(init.auth.password)} }`);
      lines.push(...(init.extraConfig ?? []));
      const config = join(dir, "nats.conf");
      await writeFile(config, `${lines.join("\n")}\n`, { mode: 0o600 });
      return ["-c", config];
    },
  };
}

/** A double-quoted string of the NATS config format, which escapes as JSON does. */
function quote(value: string): string {
  return JSON.stringify(value);
}
