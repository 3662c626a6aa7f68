import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { BrokerStartError, commandOutput } from "./broker-errors.js";
import type { Broker, BrokerInit } from "./broker.js";
import { findBinary } from "./find-binary.js";
import { type BrokerRecipe, type LocalBrokerComponents, launchBroker } from "./local-broker.js";

const run = promisify(execFile);

/** A user mosquitto accepts (and the only one, since anonymous clients are then refused). */
export interface MqttCredentials {
  username: string;
  password: string;
}

/** Options of `startMosquitto`. */
export interface MosquittoInit extends BrokerInit {
  /**
   * Require this user: mosquitto gets a password file (written by `mosquitto_passwd`) and
   * `allow_anonymous false`, so a wrong password or none gets CONNACK "not authorized".
   * Without it anonymous clients are allowed.
   */
  auth?: MqttCredentials;
}

/**
 * Starts a real `mosquitto` on a free port of 127.0.0.1 and resolves once it accepts TCP
 * connections. It runs with `persistence true` in its temporary folder, so persistent sessions
 * and their queued QoS 1/2 messages survive `stop()` + `start()` (mosquitto saves its store on
 * SIGTERM; a SIGKILL after the grace loses what changed since the last save).
 *
 * ```ts
 * const broker = await startMosquitto({ auth: { username: "u", password: "p" } });
 * try { await useMqtt(broker.url); await broker.restart(); } finally { await broker.close(); }
 * ```
 * With `tls`, the listener speaks MQTT over TLS only (`mqtts://`), and with `tls.clientCerts`
 * mosquitto requires a client certificate (`require_certificate true`).
 *
 * @throws BrokerBinaryMissingError when `mosquitto` (or, with `auth`, `mosquitto_passwd`) is not
 *   installed: `apt-get install -y mosquitto`; with `tls`, when `openssl` is not.
 * @throws BrokerStartError when it does not come up (its last output is in the message).
 */
export function startMosquitto(init: MosquittoInit = {}): Promise<Broker> {
  return launchBroker(mosquittoRecipe(init), init);
}

/** `startMosquitto` with collaborators replaced (tests of this package). */
export function startMosquittoWith(init: MosquittoInit, components: Partial<LocalBrokerComponents>): Promise<Broker> {
  return launchBroker(mosquittoRecipe(init), init, components);
}

function mosquittoRecipe(init: MosquittoInit): BrokerRecipe {
  let passwordFile: Promise<string> | undefined;
  return {
    binary: { name: "mosquitto", aptPackage: "mosquitto", ...(init.binary !== undefined ? { override: init.binary } : {}) },
    scheme: { plain: "mqtt", tls: "mqtts" },
    async prepare(dir, port, tls) {
      const store = join(dir, "store");
      await mkdir(store, { recursive: true });
      // Written once: every restart authenticates against the same file.
      if (init.auth) passwordFile ??= writePasswordFile(dir, init.auth);
      const lines = [
        "# Written by @rivulet/test-brokers for one test broker.",
        `listener ${port} 127.0.0.1`,
        // Settings after a listener are that listener's: this one speaks TLS only.
        ...(tls ? [`cafile ${tls.caFile}`, `certfile ${tls.certFile}`, `keyfile ${tls.keyFile}`, `require_certificate ${tls.requireClientCert}`] : []),
        `allow_anonymous ${init.auth ? "false" : "true"}`,
        ...(passwordFile ? [`password_file ${await passwordFile}`] : []),
        "persistence true",
        // mosquitto joins the location and the file name as strings: the slash is needed.
        `persistence_location ${store}/`,
        "log_dest stderr",
        "log_type error",
        "log_type warning",
        "log_type notice",
        "log_type information",
        // Run as root, mosquitto would switch to the `mosquitto` user, which can read nothing in
        // this private folder (and the switch would cancel the orphan guard's pdeathsig).
        ...(process.getuid?.() === 0 ? ["user root"] : []),
        ...(init.extraConfig ?? []),
      ];
      const config = join(dir, "mosquitto.conf");
      await writeFile(config, `${lines.join("\n")}\n`, { mode: 0o600 });
      return ["-c", config];
    },
  };
}

/** Creates `dir/passwd` holding one user, hashed by mosquitto's own tool. */
async function writePasswordFile(dir: string, auth: MqttCredentials): Promise<string> {
  const tool = await findBinary({ name: "mosquitto_passwd", aptPackage: "mosquitto" });
  const file = join(dir, "passwd");
  try {
    await run(tool, ["-b", "-c", file, auth.username, auth.password], { timeout: 10_000 });
  } catch (error) {
    throw new BrokerStartError("mosquitto", 0, "mosquitto_passwd could not write the password file", commandOutput(error), { cause: error });
  }
  return file;
}
