import type { Json } from "@rivulet/core";
import { validateMqttOptions } from "@rivulet/transport-mqtt";
import { type BridgeConfigIssue, ConfigIssues, isMapping } from "./config-issues.js";
import { topicTemplateProblem } from "./topic-template.js";
import { validatePublishEntry, validateSubscribeEntry } from "./validate-bridge-entries.js";

/** The broker's keys: the MQTT transport's options, checked by its own validation. */
export const BROKER_KEYS = ["url", "username", "password", "ca_file", "cert_file", "key_file", "reject_unauthorized", "client_id", "reconnect_min_ms", "reconnect_max_ms", "clean_session"] as const;
const CONFIG_KEYS: readonly string[] = [...BROKER_KEYS, "availability", "subscribe", "publish"];
const AVAILABILITY_KEYS = ["topic", "online", "offline", "qos"];

/** What of the node the cross-checks need: its id and declared inputs and outputs. */
export interface BridgeNodeDeclaration {
  id: string;
  inputs: readonly string[];
  outputs: readonly string[];
}

/**
 * Checks a bridge node's `config:` (every key, its type and value; topics: wildcards only as
 * whole levels in subscribe filters, none in publish templates or the availability topic;
 * `{name}` placeholders; schema type names) and, given the node, cross-checks the entries
 * against its declarations: each entry's output (input) is declared, and each declared output
 * (input) has an entry. Misspelt keys and values come with a suggestion.
 * @returns the issues, paths relative to the node's mapping; empty when valid.
 */
export function validateBridgeConfig(config: unknown, node?: BridgeNodeDeclaration): BridgeConfigIssue[] {
  const list: BridgeConfigIssue[] = [];
  const issues = new ConfigIssues(list, ["config"]);
  if (!isMapping(config)) {
    issues.add(undefined, `the mqtt bridge's config must be a mapping (url, subscribe, publish...), not ${JSON.stringify(config ?? null)}`);
    return list;
  }
  issues.unknownKeys(config, CONFIG_KEYS, "the mqtt bridge's config");
  const broker = Object.fromEntries(BROKER_KEYS.filter((key) => config[key] !== undefined).map((key) => [key, config[key] as Json]));
  for (const issue of validateMqttOptions(broker)) issues.add(issue.path, issue.message.replace("the mqtt transport", "the mqtt bridge"), issue.suggestion);
  if (config.availability !== undefined) checkAvailability(config.availability, issues.under("availability"));
  const outputs = entries(config.subscribe, "subscribe", issues, (entry, at) => validateSubscribeEntry(entry, at, node?.outputs));
  const inputs = entries(config.publish, "publish", issues, (entry, at) => validatePublishEntry(entry, at, node?.inputs));
  if (outputs.length === 0 && inputs.length === 0 && !list.some((issue) => issue.path[1] === "subscribe" || issue.path[1] === "publish")) {
    issues.add(undefined, "the mqtt bridge has nothing to do: give it subscribe entries (device topics to outputs) or publish entries (inputs to topics)");
  }
  if (node) {
    const root = new ConfigIssues(list, []);
    node.outputs.forEach((output, index) => {
      if (!outputs.includes(output)) root.add(["outputs", index], `output '${output}' of mqtt bridge '${node.id}' has no subscribe entry: add one with output: ${output}, or remove the output`);
    });
    for (const input of node.inputs) {
      if (!inputs.includes(input)) root.add(["inputs", input], `input '${input}' of mqtt bridge '${node.id}' has no publish entry: add one with input: ${input}, or remove the input`);
    }
  }
  return list;
}

/** Checks a list of entries; returns the ports (outputs or inputs) they name. */
function entries(value: unknown, key: string, issues: ConfigIssues, check: (entry: unknown, at: ConfigIssues) => string | undefined): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    issues.add(key, `${key} must be a list of entries, not ${JSON.stringify(value)}`);
    return [];
  }
  return value.flatMap((entry, index) => check(entry, issues.under(key, index)) ?? []);
}

function checkAvailability(value: unknown, issues: ConfigIssues): void {
  if (!isMapping(value)) {
    issues.add(undefined, `availability must be a mapping with a topic, not ${JSON.stringify(value)}`);
    return;
  }
  issues.unknownKeys(value, AVAILABILITY_KEYS, "availability");
  if (issues.text("topic", value.topic, true)) {
    const problem = topicTemplateProblem(value.topic) ?? (/[{}]/.test(value.topic) ? "the availability topic takes no {parameters}" : undefined);
    if (problem) issues.add("topic", `topic ${JSON.stringify(value.topic)}: ${problem}`);
  }
  issues.text("online", value.online, false);
  issues.text("offline", value.offline, false);
  issues.oneOf("qos", value.qos, [0, 1, 2], "qos");
}
