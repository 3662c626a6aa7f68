import type { Json } from "@rivulet/core";

/**
 * What `plan()` puts in RIVULET_NODE_CONFIG for one channel: everything but secrets (username,
 * password and TLS files reach the node with the transport's options, `TransportInit.options`).
 */
export interface MqttConnection {
  url: string;
  /** The channel's data topic, `<prefix>/<producer>/<output>`; its control topics live under it (`<topic>/$status` …). */
  topic: string;
  qos: 0 | 1 | 2;
  /** Prefix of every client id this channel's clients use. */
  clientId: string;
  cleanSession: boolean;
  reconnectMinMs: number;
  reconnectMaxMs: number;
}

/** The control topics of a channel (under its data topic; `$` is not allowed in node or output ids, so no channel's data topic is one of them). */
export const topicsOf = (topic: string): { status: string; presence: string; presenceOf: (token: string) => string; welcomeOf: (token: string) => string } => ({
  status: `${topic}/$status`,
  presence: `${topic}/$subscribers/+`,
  presenceOf: (token) => `${topic}/$subscribers/${token}`,
  welcomeOf: (token) => `${topic}/$welcome/${token}`,
});

/** Reads a planned connection back from JSON. */
export function mqttConnection(json: Json): MqttConnection {
  const c = json as unknown as MqttConnection;
  if (typeof c?.url !== "string" || typeof c.topic !== "string" || ![0, 1, 2].includes(c.qos)) throw new TypeError(`not an mqtt connection: ${JSON.stringify(json)}`);
  return c;
}
