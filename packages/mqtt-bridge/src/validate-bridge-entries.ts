import { didYouMean } from "@rivulet/core";
import { type ConfigIssues, isMapping } from "./config-issues.js";
import { PAYLOAD_CODECS } from "./payload-decoder.js";
import { validateSchema } from "./payload-schema.js";
import { topicFilterProblem, TopicFilter } from "./topic-filter.js";
import { topicTemplateProblem } from "./topic-template.js";
import { METADATA_KEYS } from "./message-metadata.js";

const SUBSCRIBE_KEYS = ["topic", "output", "codec", "qos", "captures", "schema"];
const PUBLISH_KEYS = ["input", "topic", "codec", "qos", "retain"];
const QOS = [0, 1, 2];
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Checks one `subscribe` entry; `outputs` are the node's declared outputs. Returns its output when it names one. */
export function validateSubscribeEntry(entry: unknown, issues: ConfigIssues, outputs: readonly string[] | undefined): string | undefined {
  if (!isMapping(entry)) {
    issues.add(undefined, `a subscribe entry is a mapping with topic and output, not ${JSON.stringify(entry)}`);
    return undefined;
  }
  issues.unknownKeys(entry, SUBSCRIBE_KEYS, "a subscribe entry");
  let wildcards: number | undefined;
  if (issues.text("topic", entry.topic, true)) {
    const problem = topicFilterProblem(entry.topic);
    if (problem) issues.add("topic", `topic ${JSON.stringify(entry.topic)}: ${problem}`);
    else wildcards = new TopicFilter(entry.topic).wildcards;
  }
  const output = checkPort(issues, "output", entry.output, outputs, "outputs");
  issues.oneOf("codec", entry.codec, PAYLOAD_CODECS, "codec");
  issues.oneOf("qos", entry.qos, QOS, "qos");
  checkCaptures(issues, entry.captures, wildcards);
  if (entry.schema !== undefined) {
    if ((entry.codec ?? "json") !== "json") issues.add("schema", `schema applies to the json codec only, not ${JSON.stringify(entry.codec)}`);
    for (const issue of validateSchema(entry.schema)) issues.add(["schema", ...issue.path], issue.message, issue.suggestion);
  }
  return output;
}

/** Checks one `publish` entry; `inputs` are the node's declared inputs. Returns its input when it names one. */
export function validatePublishEntry(entry: unknown, issues: ConfigIssues, inputs: readonly string[] | undefined): string | undefined {
  if (!isMapping(entry)) {
    issues.add(undefined, `a publish entry is a mapping with input and topic, not ${JSON.stringify(entry)}`);
    return undefined;
  }
  issues.unknownKeys(entry, PUBLISH_KEYS, "a publish entry");
  if (issues.text("topic", entry.topic, true)) {
    const problem = topicTemplateProblem(entry.topic);
    if (problem) issues.add("topic", `topic ${JSON.stringify(entry.topic)}: ${problem}`);
  }
  const input = checkPort(issues, "input", entry.input, inputs, "inputs");
  issues.oneOf("codec", entry.codec, PAYLOAD_CODECS, "codec");
  issues.oneOf("qos", entry.qos, QOS, "qos");
  if (entry.retain !== undefined && typeof entry.retain !== "boolean") issues.add("retain", `retain must be true or false, not ${JSON.stringify(entry.retain)}`);
  return input;
}

/** An entry's `output` or `input`: a string, and one the node declares (when the declarations are known). */
function checkPort(issues: ConfigIssues, key: "output" | "input", value: unknown, declared: readonly string[] | undefined, list: string): string | undefined {
  if (!issues.text(key, value, true)) return undefined;
  if (declared && !declared.includes(value)) {
    issues.add(key, `${key} '${value}' is not declared: add it to the node's ${list} (${declared.length > 0 ? `declared: ${declared.join(", ")}` : "none declared"})`, didYouMean(value, declared));
  }
  return value;
}

/** `captures`: unique parameter names, at most one per `+` level, none of the bridge's own keys. */
function checkCaptures(issues: ConfigIssues, captures: unknown, wildcards: number | undefined): void {
  if (captures === undefined) return;
  if (!Array.isArray(captures)) {
    issues.add("captures", `captures must be a list of parameter names, not ${JSON.stringify(captures)}`);
    return;
  }
  if (wildcards !== undefined && captures.length > wildcards) {
    issues.add("captures", `captures names ${captures.length} parameters but the topic has ${wildcards} '+' level${wildcards === 1 ? "" : "s"}`);
  }
  const seen = new Set<string>();
  captures.forEach((name, index) => {
    if (typeof name !== "string" || !NAME.test(name)) issues.add(["captures", index], `a capture is a parameter name (letters, digits and _, not starting with a digit), not ${JSON.stringify(name)}`);
    else if ((METADATA_KEYS as readonly string[]).includes(name)) issues.add(["captures", index], `'${name}' is set by the bridge itself: choose another name`);
    else if (seen.has(name)) issues.add(["captures", index], `'${name}' is captured twice`);
    else seen.add(name);
  });
}
