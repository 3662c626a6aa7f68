import { type Json, TransportError } from "@rivulet/core";

/**
 * What `plan()` puts in a channel's plan: its topic, nothing else. The broker's URL, QoS,
 * credentials, TLS files and timings are the transport's options, which a node gets at
 * `create()` (`TransportInit.options`, handed over by the daemon at registration), never in a
 * plan: plans travel in the nodes' environment (RIVULET_NODE_CONFIG).
 */
export interface MqttConnection {
  /** The channel's data topic, `<prefix>/<producer>/<output>`; its control topics live under it (`<topic>/$status` …). */
  topic: string;
}

/**
 * QoS of every control message (the retained ONLINE, ENDED and LOST statuses, HELLO, WELCOME),
 * whatever the data's QoS: at QoS 0 a broker restart could lose a channel's END and ENDED, and
 * its subscribers would wait for an end that never comes. At QoS 1 a subscriber that reconnects
 * learns the retained ENDED (with the final sequence number) and counts what it missed as drops.
 */
export const MQTT_CONTROL_QOS = 1;

/** The control topics of a channel (under its data topic; `$` is not allowed in node or output ids, so no channel's data topic is one of them). */
export const topicsOf = (topic: string): { status: string; presence: string; presenceOf: (token: string) => string; welcomeOf: (token: string) => string } => ({
  status: `${topic}/$status`,
  presence: `${topic}/$subscribers/+`,
  presenceOf: (token) => `${topic}/$subscribers/${token}`,
  welcomeOf: (token) => `${topic}/$welcome/${token}`,
});

/**
 * Reads a planned connection back from JSON.
 * @throws TransportError when it holds no topic.
 */
export function mqttConnection(json: Json, channel?: string): MqttConnection {
  const topic = (json as { topic?: unknown } | null)?.topic;
  if (typeof topic !== "string" || topic === "") throw new TransportError(`channel '${channel ?? "?"}' has no MQTT topic in its plan: ${JSON.stringify(json)}`, channel);
  return { topic };
}
