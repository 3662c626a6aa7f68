import { waitFor } from "@rivulet/core/internal";
import type { Node } from "@rivulet/node";
import { BrokerClient, MQTT_CLOSE_FLUSH_MS } from "@rivulet/transport-mqtt";
import { type BridgeConfig, defaultClientId } from "./bridge-config.js";
import { MqttSubscriptionRefusedError } from "./bridge-errors.js";
import { BridgeCounters, type BridgeStats } from "./bridge-stats.js";
import { DeviceInbox } from "./device-inbox.js";
import { DeviceOutbox } from "./device-outbox.js";
import { RateLimitedLog } from "./rate-limited-log.js";

/** Options of an `MqttBridge`. */
export interface MqttBridgeInit {
  /** The dataflow's name, for the default client id (`rivulet-<name>-<node id>`). */
  dataflowName?: string;
  /** Shortest time between two log lines about one entry (malformed payloads...); default 10 s. */
  logIntervalMs?: number;
  /** How long `close()` waits for the broker to acknowledge what is outgoing; default `MQTT_CLOSE_FLUSH_MS`. */
  closeFlushMs?: number;
}

/** Per-call options of `MqttBridge.start`. */
export interface MqttBridgeStartOptions {
  /** Gives up connecting (AbortError); the bridge is closed then. */
  signal?: AbortSignal;
}

/** SUBACK return code of a refused subscription. */
const SUBSCRIPTION_REFUSED = 128;

/**
 * The MQTT bridge node: device topics to outputs (subscribe entries) and inputs to device topics
 * (publish entries), over one MQTT connection that comes back by itself (`BrokerClient`:
 * exponential backoff with jitter; the same session stores, so unacknowledged QoS 1/2 publishes
 * are sent again); after a reconnect to a broker that lost the session the bridge subscribes again.
 *
 * ```ts
 * const node = new Node();
 * const bridge = new MqttBridge(node, bridgeConfig(node.settings()));
 * await bridge.start({ signal: node.signal }); // connected and subscribed
 * await bridge.run();                         // until STOP
 * await bridge.close();                       // "offline", then a clean disconnect
 * ```
 */
export class MqttBridge {
  readonly #counters: BridgeCounters;
  readonly #malformedLog: RateLimitedLog;
  readonly #log: RateLimitedLog;
  #broker: BrokerClient | undefined;
  #outbox: DeviceOutbox | undefined;
  #closed: Promise<void> | undefined;
  #closing = false;
  #fail: (error: Error) => void = () => {};
  readonly #failed = new Promise<Error>((resolve) => (this.#fail = resolve));

  constructor(
    private readonly node: Node,
    readonly config: BridgeConfig,
    private readonly init: MqttBridgeInit = {},
  ) {
    this.#counters = new BridgeCounters(config.subscribe, config.publish);
    const sink = node;
    const intervalMs = init.logIntervalMs;
    this.#malformedLog = new RateLimitedLog({ sink, level: "warn", ...(intervalMs !== undefined ? { intervalMs } : {}) });
    this.#log = new RateLimitedLog({ sink, level: "warn", ...(intervalMs !== undefined ? { intervalMs } : {}) });
  }

  /** The client id this bridge connects with. */
  get clientId(): string {
    return this.config.clientId ?? defaultClientId(this.node.id, this.init.dataflowName);
  }

  /**
   * Connects (retrying with backoff while the broker cannot be reached, each failure logged,
   * rate-limited), subscribes every subscribe entry and publishes "online" (retained) on the
   * availability topic. Device messages flow to the outputs from then on (those a persistent
   * session kept flow even before the subscriptions are renewed).
   * @throws MqttNotAuthorizedError when the broker refuses the credentials;
   *   MqttSubscriptionRefusedError when it refuses a subscription; MqttFileError for an
   *   unreadable TLS file; AbortError when `signal` fires first. The bridge is closed then.
   */
  async start(options: MqttBridgeStartOptions = {}): Promise<void> {
    const { config } = this;
    const availability = config.availability;
    const inbox = new DeviceInbox(config.subscribe, this.#counters.subscribe, {
      send: (output, value, parameters) => this.node.sendOutput(output, value, parameters),
      malformedLog: this.#malformedLog,
      dropLog: this.#log,
    });
    const broker = await BrokerClient.open(
      {
        settings: config.broker,
        clientId: this.clientId,
        clean: config.cleanSession,
        ...(availability ? { will: { topic: availability.topic, payload: Buffer.from(availability.offline), qos: availability.qos, retain: true } } : {}),
        channels: [`mqtt bridge ${this.node.id}`],
        handleMessage: (packet) => inbox.handle(packet),
        onRetry: (error, delayMs) => {
          this.#log.log("connect", `mqtt bridge: the broker at ${config.broker.url} is not reachable${error ? ` (${error.message})` : ""}; retrying in ${delayMs} ms`, { url: config.broker.url, delay_ms: delayMs });
        },
      },
      options.signal,
    );
    this.#broker = broker;
    this.#outbox = new DeviceOutbox(config.publish, this.#counters.publish, { client: broker.client, up: () => broker.up, hold: (operation) => broker.hold(operation), log: this.#log });
    broker.onState = (up) => this.#onState(up);
    broker.onRefused = (error) => {
      this.node.log("error", `mqtt bridge: ${error.message}; not reconnecting`, { url: config.broker.url });
      this.#fail(error);
    };
    try {
      await this.#subscribe();
      await this.#announce(availability?.online);
    } catch (error) {
      await this.close();
      throw error;
    }
    this.node.log("info", `mqtt bridge: connected to ${config.broker.url} as ${this.clientId}`, { url: config.broker.url, subscriptions: config.subscribe.length });
  }

  /**
   * Publishes the input messages of the publish entries until the node's event stream ends:
   * at STOP, or (as for every node) once all its inputs closed, when it has inputs. Device
   * messages are forwarded meanwhile. Events of other types are ignored.
   */
  async run(): Promise<void> {
    const outbox = this.#outbox;
    if (!outbox) throw new Error("MqttBridge.run() before start()");
    for await (const event of this.node) {
      if (event.type === "INPUT" && outbox.takes(event.id)) await outbox.publish(event);
    }
  }

  /**
   * Resolves (never rejects) with the error that ended the bridge's connection for good while it
   * ran: the broker refusing the credentials on a reconnect (MqttNotAuthorizedError) or a
   * subscription made again after a lost session (MqttSubscriptionRefusedError). Pending
   * until then; the process should fail the node when it resolves.
   */
  get failed(): Promise<Error> {
    return this.#failed;
  }

  /** The counters so far (per entry and in total). */
  stats(): BridgeStats {
    return this.#counters.snapshot(this.#broker?.up ?? false);
  }

  /**
   * Publishes "offline" (retained) on the availability topic, waits for the broker to
   * acknowledge what is outgoing (at most `closeFlushMs`; reconnecting meanwhile if it is away),
   * disconnects cleanly (no last will), logs what was suppressed and a summary of the counters.
   * What was still unacknowledged then is counted as dropped. Idempotent.
   */
  close(): Promise<void> {
    this.#closed ??= this.#close();
    return this.#closed;
  }

  async #close(): Promise<void> {
    this.#closing = true;
    const broker = this.#broker;
    if (broker) {
      const flushMs = this.init.closeFlushMs ?? MQTT_CLOSE_FLUSH_MS;
      const offline = this.#announce(this.config.availability?.offline).catch(() => {
        // Logged by #announce; close goes on.
      });
      // Connected, "offline" is acknowledged before the DISCONNECT; away, it waits in the store
      // and broker.close reconnects to deliver it (within the same flush time).
      if (broker.up) await waitFor<void>((resolve) => void offline.then(resolve), { timeout: { ms: flushMs, value: undefined } });
      await broker.close(flushMs);
      this.#outbox?.closing();
      // broker.close waited for acknowledgements (at most flushMs): what is still out is lost.
      this.#outbox?.abandon();
    }
    this.#malformedLog.flush();
    this.#log.flush();
    const { subscribe: _subscribe, publish: _publish, connected: _connected, ...totals } = this.stats();
    this.node.log("info", "mqtt bridge: closed", totals);
  }

  async #subscribe(): Promise<void> {
    const broker = this.#broker!;
    if (this.config.subscribe.length === 0) return;
    const filters = Object.fromEntries(this.config.subscribe.map((entry) => [entry.filter.filter, { qos: entry.qos }]));
    const granted = await broker.hold(broker.client.subscribeAsync(filters));
    const refused = granted.find((grant) => grant.qos === SUBSCRIPTION_REFUSED);
    if (refused) throw new MqttSubscriptionRefusedError(this.node.id, this.config.broker.url, refused.topic);
  }

  /** Publishes `payload` retained on the availability topic (nothing without one). */
  async #announce(payload: string | undefined): Promise<void> {
    const availability = this.config.availability;
    const broker = this.#broker;
    if (!availability || payload === undefined || !broker) return;
    try {
      await broker.hold(broker.client.publishAsync(availability.topic, payload, { qos: availability.qos, retain: true }));
    } catch (error) {
      this.node.log("warn", `mqtt bridge: could not publish ${JSON.stringify(payload)} on ${availability.topic}: ${(error as Error).message}`, { topic: availability.topic });
      throw error;
    }
  }

  #onState(up: boolean): void {
    // The connection's end at close is no loss (and needs no announcement).
    if (this.#closing) return;
    const url = this.config.broker.url;
    if (!up) {
      this.node.log("warn", `mqtt bridge: lost the broker at ${url}; reconnecting`, { url });
      return;
    }
    this.#counters.reconnects++;
    const sessionPresent = (this.#broker!.client as unknown as { connackPacket?: { sessionPresent?: boolean } }).connackPacket?.sessionPresent === true;
    // mqtt.js's own resubscription only works with its own reconnects, which BrokerClient
    // turns off: a broker that lost the session (clean_session, or its store gone) gets the
    // subscriptions again from here.
    if (!sessionPresent && this.config.subscribe.length > 0) {
      this.#counters.resubscribes++;
      this.#subscribe().catch((error: Error) => {
        this.node.log("error", `mqtt bridge: subscribing again failed: ${error.message}`, { url });
        if (error instanceof MqttSubscriptionRefusedError) this.#fail(error);
      });
    }
    this.node.log("info", `mqtt bridge: reconnected to ${url}${sessionPresent ? "" : ", session lost: subscribing again"}`, { url, session_present: sessionPresent });
    this.#announce(this.config.availability?.online).catch(() => {
      // Logged by #announce; the next reconnect announces again.
    });
  }
}
