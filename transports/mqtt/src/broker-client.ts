import { readFileSync } from "node:fs";
import mqttjs, { type IClientOptions, type IPublishPacket, type MqttClient, type Timer } from "mqtt";
import { tlsFailure, waitFor } from "@rivulet/core/internal";
import { backoffDelay } from "./backoff.js";
import { MqttBrokerUnreachableError, MqttFileError, MqttNotAuthorizedError, MqttTlsError } from "./mqtt-errors.js";
import type { MqttOptions } from "./mqtt-options.js";

/** MQTT keep-alive of every client: a broker that stops answering is noticed within about 1.5 times this. */
export const MQTT_KEEPALIVE_S = 15;
/** How long one connection attempt (TCP, TLS and CONNACK) may take. */
export const MQTT_CONNECT_TIMEOUT_MS = 5_000;
/** How long a clean close waits for the broker to acknowledge what is still outgoing before it drops the connection. */
export const MQTT_CLOSE_FLUSH_MS = 5_000;

/** The options of a connection: the planned ones and the secrets (`TransportInit.options`). */
export type BrokerSettings = Pick<MqttOptions, "url" | "username" | "password" | "caFile" | "certFile" | "keyFile" | "rejectUnauthorized" | "reconnectMinMs" | "reconnectMaxMs">;

/** What one client connection is. */
export interface BrokerClientInit {
  settings: BrokerSettings;
  clientId: string;
  clean: boolean;
  will?: { topic: string; payload: Buffer; qos: 0 | 1 | 2; retain: boolean };
  /** Channels this connection serves, for error messages. */
  channels: readonly string[];
  /**
   * Handles each incoming PUBLISH before it is acknowledged (PUBACK/PUBREC go out when the
   * promise settles, and mqtt.js reads the next packet only then: backpressure up to the
   * broker). Installed before the first connect, so messages a persistent session kept are not
   * missed. Without it messages are acknowledged at once and only emitted as 'message'. A
   * rejection is passed to mqtt.js as a packet error: handle errors inside.
   */
  handleMessage?: (packet: IPublishPacket) => Promise<void>;
  /**
   * Called after each connection attempt that failed or connection that closed, before the
   * reconnect: the error (undefined when the connection just closed), the delay and the
   * attempt number (0 for the first retry). Not called after a refusal or a close.
   */
  onRetry?: (error: Error | undefined, delayMs: number, attempt: number) => void;
}

/** CONNACK return codes (MQTT 3.1.1) that retrying cannot fix. */
const REFUSED = new Set([4, 5]);

/** mqtt.js's keep-alive interval, unreferenced: an idle connection must not keep a node's process alive (see BrokerClient). */
const UNREF_TIMER = {
  set: (callback: () => void, ms: number) => setInterval(callback, ms).unref(),
  clear: (timer: NodeJS.Timeout) => clearInterval(timer),
} as unknown as Timer;

/** What of a socket (net or TLS) holds the event loop. */
interface Referable {
  ref?(): void;
  unref?(): void;
}

/**
 * One MQTT connection that comes back by itself: mqtt.js's own reconnect is off
 * (`reconnectPeriod: 0`); after a connection closes, this waits an exponential delay with
 * jitter (`reconnect_min_ms` … `reconnect_max_ms`) and reconnects with the same session stores,
 * so QoS 1/2 messages not yet acknowledged are sent again. A broker that refuses the
 * credentials stops the reconnects and is reported through `onRefused`.
 *
 * An idle connection does not keep the process alive (its socket, keep-alive and reconnect
 * timers are unreferenced, as the Unix transport's sockets are): a node closes its outputs on
 * 'beforeExit', which never comes while a connection holds the event loop, so a node program
 * that ended would otherwise never exit, nor end its channels. A wait for the broker (`hold`)
 * references them again; pending socket writes keep the process alive by themselves.
 */
export class BrokerClient {
  readonly client: MqttClient;
  /** Called when the connection goes down (`false`) and comes back (`true`), after the first connect. */
  onState: (up: boolean) => void = () => {};
  /** Called once when the broker refuses the credentials after the first connect. */
  onRefused: (error: MqttNotAuthorizedError) => void = () => {};
  #closing = false;
  #attempt = 0;
  #timer: NodeJS.Timeout | undefined;
  #lastError: Error | undefined;
  /** The last connection attempt's TLS failure (an untrusted certificate, no TLS there), if any. */
  #tlsError: Error | undefined;
  #refused: MqttNotAuthorizedError | undefined;
  #up = false;
  #holds = 0;
  #closed: Promise<void> | undefined;

  private constructor(private readonly init: BrokerClientInit) {
    const { settings } = init;
    const options: IClientOptions = {
      clientId: init.clientId,
      clean: init.clean,
      protocolVersion: 4,
      reconnectPeriod: 0,
      connectTimeout: MQTT_CONNECT_TIMEOUT_MS,
      keepalive: MQTT_KEEPALIVE_S,
      resubscribe: true,
      manualConnect: true,
      timerVariant: UNREF_TIMER,
      ...(init.will ? { will: init.will } : {}),
      ...(settings.username !== undefined ? { username: settings.username } : {}),
      ...(settings.password !== undefined ? { password: settings.password } : {}),
      ...(settings.url.startsWith("mqtts:")
        ? {
            rejectUnauthorized: settings.rejectUnauthorized,
            ...(settings.caFile ? { ca: readOptionFile("ca_file", settings.caFile) } : {}),
            ...(settings.certFile ? { cert: readOptionFile("cert_file", settings.certFile) } : {}),
            ...(settings.keyFile ? { key: readOptionFile("key_file", settings.keyFile) } : {}),
          }
        : {}),
    };
    this.client = mqttjs.connect(settings.url, options);
    const handle = init.handleMessage;
    if (handle) this.client.handleMessage = (packet, done) => void handle(packet).then(() => done(), done);
    this.client.on("error", (error) => {
      // Connection errors are kept for the message of a failed connect; the "close" that
      // follows each of them drives the reconnect.
      this.#lastError = error;
      if (tlsFailure(error)) this.#tlsError = error;
      const code = (error as { code?: unknown }).code;
      if (typeof code === "number" && REFUSED.has(code)) {
        this.#refused = new MqttNotAuthorizedError(settings.url, init.channels, code, { cause: error });
        if (this.#up || this.#attempt > 0) this.onRefused(this.#refused);
      }
    });
    this.client.on("connect", () => {
      this.#attempt = 0;
      // mqtt.js leaves Nagle's algorithm on: a small PUBLISH would wait for the previous
      // segment's ACK (the delayed ACK of the other side), which doubled the 8-byte p50.
      (this.client.stream as { setNoDelay?: (noDelay: boolean) => void } | undefined)?.setNoDelay?.(true);
      this.#reference();
      if (!this.#up) {
        this.#up = true;
        this.onState(true);
      }
    });
    this.client.on("close", () => {
      if (this.#up) {
        this.#up = false;
        this.onState(false);
      }
      if (!this.#closing && !this.#refused) this.#scheduleReconnect();
    });
  }

  /**
   * Connects and resolves once the broker accepted (CONNACK 0). Retries with backoff while the
   * broker cannot be reached.
   * @throws MqttNotAuthorizedError when the broker refuses the credentials; MqttTlsError when
   *   a TLS handshake fails (a certificate that does not verify, no TLS on that port); AbortError
   *   when `signal` fires (the client is closed then).
   */
  static async open(init: BrokerClientInit, signal?: AbortSignal): Promise<BrokerClient> {
    const broker = new BrokerClient(init);
    try {
      // Held: the reconnect timer between attempts must keep the process alive while it waits
      // for a broker that is not up yet (an idle connection does not, see the class).
      await broker.hold(waitFor<void>((resolve, reject) => {
        const connected = (): void => resolve();
        const closed = (): void => {
          if (broker.#refused) reject(broker.#refused);
          // A certificate that does not verify does not fix itself: fail at once, naming it,
          // rather than retry forever as for a broker that is not up yet.
          else if (broker.#tlsError) reject(broker.#tlsFailure(broker.#tlsError));
        };
        broker.client.on("connect", connected);
        broker.client.on("close", closed);
        broker.client.connect();
        return () => {
          broker.client.off("connect", connected);
          broker.client.off("close", closed);
        };
      }, signal ? { signal } : {}));
    } catch (error) {
      await broker.close(0);
      throw error;
    }
    return broker;
  }

  /**
   * Opens a connection once and closes it (planning's reachability check), within `timeoutMs`.
   * @throws MqttNotAuthorizedError, MqttTlsError (an untrusted certificate on either side, no
   *   TLS there), or MqttBrokerUnreachableError, naming the URL and channels.
   * @throws MqttFileError when a TLS file cannot be read.
   */
  static async probe(init: Omit<BrokerClientInit, "clientId" | "clean">, timeoutMs: number): Promise<void> {
    const clientId = `rivulet-probe-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
    const probe = new BrokerClient({ ...init, clientId, clean: true });
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      await waitFor<void>((resolve, reject) => {
        const connected = (): void => resolve();
        const closed = (): void => reject(probe.#refused ?? probe.#failure());
        probe.#closing = true; // one attempt: no reconnects
        probe.client.on("connect", connected);
        probe.client.on("close", closed);
        probe.client.connect();
        return () => {
          probe.client.off("connect", connected);
          probe.client.off("close", closed);
        };
      }, { signal: controller.signal });
    } catch (error) {
      if ((error as Error).name === "AbortError") throw new MqttBrokerUnreachableError(init.settings.url, init.channels, { cause: new Error(`no CONNACK within ${timeoutMs} ms`) });
      throw error;
    } finally {
      clearTimeout(timer);
      await probe.close(0);
    }
  }

  /** Why the last connection attempt failed: TLS (what to fix), or the broker not reachable. */
  #failure(): MqttTlsError | MqttBrokerUnreachableError {
    return this.#tlsFailure(this.#lastError) ?? new MqttBrokerUnreachableError(this.init.settings.url, this.init.channels, { cause: this.#lastError });
  }

  /** `error` as an MqttTlsError naming what to fix, or undefined when it is not about TLS. */
  #tlsFailure(error: Error | undefined): MqttTlsError | undefined {
    const tls = tlsFailure(error);
    return tls && new MqttTlsError(this.init.settings.url, this.init.channels, tls.kind, tls.reason, { cause: error });
  }

  /**
   * Keeps the process alive until `operation` settles (a SUBACK, a WELCOME, a send waiting for
   * acknowledgements), also while reconnecting meanwhile: the idle connection does not.
   */
  async hold<T>(operation: Promise<T>): Promise<T> {
    this.#holds++;
    this.#reference();
    try {
      return await operation;
    } finally {
      this.#holds--;
      this.#reference();
    }
  }

  /** References the socket and the reconnect timer while something holds the connection, else unreferences them. */
  #reference(): void {
    const stream = this.client.stream as unknown as Referable | undefined;
    if (this.#holds > 0) {
      stream?.ref?.();
      this.#timer?.ref();
    } else {
      stream?.unref?.();
      this.#timer?.unref();
    }
  }

  /** True while connected. */
  get up(): boolean {
    return this.#up;
  }

  /**
   * Disconnects cleanly (DISCONNECT, so the broker does not publish the last will) once every
   * QoS 1/2 message is acknowledged (a retained ENDED, say) or `flushMs` passed: a connection
   * that is down meanwhile keeps reconnecting until then, so that a close during a broker
   * restart still delivers them. Disconnects at once when `flushMs` is 0. Idempotent.
   */
  close(flushMs = MQTT_CLOSE_FLUSH_MS): Promise<void> {
    this.#closed ??= this.hold(this.#flushAndEnd(flushMs));
    return this.#closed;
  }

  async #flushAndEnd(flushMs: number): Promise<void> {
    const client = this.client;
    const unacknowledged = (): boolean => Object.keys(client.outgoing).length > 0;
    if (flushMs > 0 && !this.#refused && !client.disconnected && unacknowledged()) {
      await waitFor<void>((resolve) => {
        // mqtt.js emits 'packetreceive' before it handles the packet (a PUBACK removes its message then).
        const check = (): void => void setImmediate(() => unacknowledged() || resolve());
        client.on("packetreceive", check);
        return () => client.off("packetreceive", check);
      }, { timeout: { ms: flushMs, value: undefined } });
    }
    this.#closing = true;
    clearTimeout(this.#timer);
    if (!client.disconnected) await client.endAsync(!client.connected);
  }

  #scheduleReconnect(): void {
    clearTimeout(this.#timer);
    const attempt = this.#attempt++;
    const delay = backoffDelay(attempt, this.init.settings.reconnectMinMs, this.init.settings.reconnectMaxMs);
    this.init.onRetry?.(this.#lastError, delay, attempt);
    this.#lastError = undefined;
    this.#timer = setTimeout(() => {
      if (this.#closing) return;
      // The same stores: messages not yet acknowledged are sent again on the new connection.
      this.client.reconnect({ incomingStore: this.client.incomingStore, outgoingStore: this.client.outgoingStore } as Parameters<MqttClient["reconnect"]>[0]);
    }, delay);
    this.#reference();
  }
}

/** @throws MqttFileError naming the option when the file cannot be read. */
function readOptionFile(option: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (cause) {
    throw new MqttFileError(option, path, { cause });
  }
}
