import type { Json } from "@rivulet/core";
import { type BrokerSettings, mqttOptions } from "@rivulet/transport-mqtt";
import type { DataType } from "apache-arrow";
import type { PayloadCodec } from "./payload-decoder.js";
import { type SchemaSpec, schemaType } from "./payload-schema.js";
import { TopicFilter } from "./topic-filter.js";
import { TopicTemplate } from "./topic-template.js";
import { BROKER_KEYS, validateBridgeConfig } from "./validate-bridge-config.js";

/** QoS of a subscribe or publish entry and of the availability messages when not given: at least once. */
export const DEFAULT_BRIDGE_QOS = 1;
/** What the availability topic holds while the bridge is connected. */
export const DEFAULT_AVAILABILITY_ONLINE = "online";
/** What it holds after a clean stop, and the last will's payload. */
export const DEFAULT_AVAILABILITY_OFFLINE = "offline";

/** One `subscribe` entry, resolved: device topics matching `filter` go to `output`. */
export interface SubscribeEntry {
  filter: TopicFilter;
  output: string;
  codec: PayloadCodec;
  qos: 0 | 1 | 2;
  /** Metadata parameter names for the filter's `+` levels, in order (may be fewer than the levels). */
  captures: readonly string[];
  /** The schema as written, and its Arrow type (the type of one row); json only. */
  schema: SchemaSpec | undefined;
  type: DataType | undefined;
}

/** One `publish` entry, resolved: messages on `input` go to the topic `topic` renders. */
export interface PublishEntry {
  input: string;
  topic: TopicTemplate;
  codec: PayloadCodec;
  qos: 0 | 1 | 2;
  retain: boolean;
}

/** Zigbee2MQTT-style availability: `online` retained after each connect, `offline` as last will and at a clean stop. */
export interface AvailabilityConfig {
  topic: string;
  online: string;
  offline: string;
  qos: 0 | 1 | 2;
}

/** A bridge node's `config:`, resolved (defaults filled in); secrets included. */
export interface BridgeConfig {
  /** Broker URL, credentials, TLS files and reconnect delays, as the MQTT transport takes them. */
  broker: BrokerSettings;
  /** undefined: `rivulet-<dataflow name>-<node id>`, made by the bridge (see `defaultClientId`). */
  clientId: string | undefined;
  cleanSession: boolean;
  availability: AvailabilityConfig | undefined;
  subscribe: readonly SubscribeEntry[];
  publish: readonly PublishEntry[];
}

type Mapping = Record<string, Json>;

/**
 * Resolves a bridge node's `config:` (as `node.settings()` returns it), defaults filled in. The
 * inputs and outputs are not cross-checked here (the node's own declarations are checked when
 * it sends): `validateBridgeConfig` with the node does that at `rivulet check`.
 * @throws RangeError naming the first problem when `validateBridgeConfig` finds any.
 */
export function bridgeConfig(config: unknown): BridgeConfig {
  const [issue] = validateBridgeConfig(config);
  if (issue) throw new RangeError(`invalid mqtt bridge config at ${issue.path.join(".")}: ${issue.message}`);
  const settings = config as Mapping;
  const broker = mqttOptions(Object.fromEntries(BROKER_KEYS.filter((key) => settings[key] !== undefined).map((key) => [key, settings[key]!])));
  const availability = settings.availability as Mapping | undefined;
  return {
    broker,
    clientId: settings.client_id as string | undefined,
    cleanSession: broker.cleanSession,
    availability: availability && {
      topic: availability.topic as string,
      online: (availability.online as string | undefined) ?? DEFAULT_AVAILABILITY_ONLINE,
      offline: (availability.offline as string | undefined) ?? DEFAULT_AVAILABILITY_OFFLINE,
      qos: (availability.qos as 0 | 1 | 2 | undefined) ?? DEFAULT_BRIDGE_QOS,
    },
    subscribe: ((settings.subscribe as Mapping[] | undefined) ?? []).map((entry) => {
      const schema = entry.schema as SchemaSpec | undefined;
      return {
        filter: new TopicFilter(entry.topic as string),
        output: entry.output as string,
        codec: (entry.codec as PayloadCodec | undefined) ?? "json",
        qos: (entry.qos as 0 | 1 | 2 | undefined) ?? DEFAULT_BRIDGE_QOS,
        captures: (entry.captures as string[] | undefined) ?? [],
        schema,
        type: schema === undefined ? undefined : schemaType(schema),
      };
    }),
    publish: ((settings.publish as Mapping[] | undefined) ?? []).map((entry) => ({
      input: entry.input as string,
      topic: new TopicTemplate(entry.topic as string),
      codec: (entry.codec as PayloadCodec | undefined) ?? "json",
      qos: (entry.qos as 0 | 1 | 2 | undefined) ?? DEFAULT_BRIDGE_QOS,
      retain: (entry.retain as boolean | undefined) ?? false,
    })),
  };
}

/**
 * The client id of a bridge without `client_id`: `rivulet-<dataflow name>-<node id>`, or
 * `rivulet-<node id>` without a name, with every character outside `A-Z a-z 0-9 _ . -` made `_`
 * and cut to 64 characters. Stable across runs, so a persistent session is found again.
 */
export function defaultClientId(nodeId: string, dataflowName?: string): string {
  const raw = ["rivulet", ...(dataflowName ? [dataflowName] : []), nodeId].join("-");
  return raw.replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, 64);
}
