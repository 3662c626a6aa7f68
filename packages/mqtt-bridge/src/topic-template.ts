import type { Parameter } from "@rivulet/core";

/**
 * A publish entry's topic, templated from the event's metadata: `alerts/{device}` takes the
 * parameter `device`. Literal text may not hold the MQTT wildcards (+ #) nor braces other than
 * a `{name}` placeholder; a rendered value may not hold `/`, `+`, `#` or NUL either (it would
 * change the topic's levels or make it a filter), so a value is one level's part.
 */

const PLACEHOLDER = /\{([^{}]*)\}/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const FORBIDDEN_IN_VALUE = /[/+#\u0000]/;

/** Why a topic template is not valid, or undefined when it is. */
export function topicTemplateProblem(template: string): string | undefined {
  if (template === "") return "a topic must not be empty";
  const literal = template.replace(PLACEHOLDER, "");
  if (/[+#]/.test(literal)) return "a publish topic must not hold the wildcards + or #";
  if (literal.includes("\u0000")) return "a topic must not hold NUL";
  if (/[{}]/.test(literal)) return "braces must enclose a parameter name: {name}";
  for (const [, name] of template.matchAll(PLACEHOLDER)) {
    if (!NAME.test(name!)) return `{${name}} is not a parameter name (letters, digits and _, not starting with a digit)`;
  }
  return undefined;
}

/** The result of rendering: the topic, or the parameters that were missing or unusable. */
export type RenderedTopic = { topic: string } | { missing: string[] };

/** A compiled topic template. */
export class TopicTemplate {
  readonly #parts: readonly string[];
  /** The parameter names, in order of appearance (possibly repeated). */
  readonly names: readonly string[];

  /** @throws RangeError for a template `topicTemplateProblem` refuses. */
  constructor(readonly template: string) {
    const problem = topicTemplateProblem(template);
    if (problem) throw new RangeError(`invalid topic template ${JSON.stringify(template)}: ${problem}`);
    // split with a capture group alternates literal text and names: [text, name, text, ...].
    this.#parts = template.split(/\{([^{}]*)\}/);
    this.names = this.#parts.filter((_, index) => index % 2 === 1);
  }

  /**
   * The topic for `parameters`: strings, numbers and booleans are written as text; a parameter
   * that is absent, a list, empty, or holds `/`, `+`, `#` or NUL is reported as missing.
   */
  render(parameters: Readonly<Record<string, Parameter>>): RenderedTopic {
    let topic = "";
    const missing: string[] = [];
    this.#parts.forEach((part, index) => {
      if (index % 2 === 0) {
        topic += part;
        return;
      }
      const value = parameters[part];
      const text = typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? String(value) : undefined;
      if (text === undefined || text === "" || FORBIDDEN_IN_VALUE.test(text)) missing.push(part);
      else topic += text;
    });
    return missing.length > 0 ? { missing } : { topic };
  }
}
