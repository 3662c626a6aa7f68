import type { Parameter } from "@rivulet/core";

/** The metadata parameters the bridge sets on every message it bridges in. */
export const METADATA_KEYS = ["mqtt_topic", "mqtt_qos", "mqtt_retain"] as const;

/**
 * The parameters of a bridged-in message: the MQTT topic, the QoS it arrived with (the lower of
 * the publisher's and the subscription's), its retain flag (true for a retained message the
 * broker sent at subscribe time), and each named capture (`captures[i]` = the text of the
 * filter's i-th `+` level).
 */
export function messageParameters(topic: string, qos: number, retain: boolean, names: readonly string[], captured: readonly string[]): Record<string, Parameter> {
  const parameters: Record<string, Parameter> = { mqtt_topic: topic, mqtt_qos: qos, mqtt_retain: retain };
  names.forEach((name, index) => {
    const value = captured[index];
    if (value !== undefined) parameters[name] = value;
  });
  return parameters;
}
