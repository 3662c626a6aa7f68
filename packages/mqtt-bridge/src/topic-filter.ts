/**
 * MQTT topic filters (`sensors/+/temperature`, `zigbee2mqtt/#`) as a subscribe entry declares
 * them: checked as MQTT 3.1.1 §4.7 does (a wildcard is a whole level; `#` only last), and
 * matched against the topics of incoming messages, each `+` level captured in order.
 */

/** Why a topic filter is not valid, or undefined when it is. */
export function topicFilterProblem(filter: string): string | undefined {
  if (filter === "") return "a topic filter must not be empty";
  if (filter.includes("\u0000")) return "a topic filter must not hold NUL";
  const levels = filter.split("/");
  for (const [index, level] of levels.entries()) {
    if (level === "+" || level === "#") {
      if (level === "#" && index !== levels.length - 1) return "'#' must be the last level";
      continue;
    }
    if (level.includes("+") || level.includes("#")) return `the wildcards + and # must be whole levels (level ${index + 1} is '${level}')`;
  }
  return undefined;
}

/**
 * A compiled topic filter. `match(topic)` gives the text of each `+` level in order (an empty
 * array when the filter has none), or undefined when the topic does not match. As in MQTT, a
 * filter starting with a wildcard does not match topics starting with `$` (`$SYS/...`), and
 * `a/#` also matches `a` itself.
 */
export class TopicFilter {
  readonly #levels: readonly string[];
  /** How many `+` levels the filter holds: the most captures an entry may name. */
  readonly wildcards: number;

  /** @throws RangeError for a filter `topicFilterProblem` refuses. */
  constructor(readonly filter: string) {
    const problem = topicFilterProblem(filter);
    if (problem) throw new RangeError(`invalid topic filter ${JSON.stringify(filter)}: ${problem}`);
    this.#levels = filter.split("/");
    this.wildcards = this.#levels.filter((level) => level === "+").length;
  }

  match(topic: string): string[] | undefined {
    const levels = this.#levels;
    const parts = topic.split("/");
    if (topic.startsWith("$") && (levels[0] === "+" || levels[0] === "#")) return undefined;
    const captures: string[] = [];
    for (let i = 0; i < levels.length; i++) {
      const level = levels[i]!;
      if (level === "#") return captures;
      const part = parts[i];
      if (part === undefined) return undefined;
      if (level === "+") captures.push(part);
      else if (level !== part) return undefined;
    }
    return parts.length === levels.length ? captures : undefined;
  }
}
