import { didYouMean } from "@rivulet/core";

/**
 * A problem in a bridge node's YAML. `path` is relative to the node's mapping, so that the
 * daemon can point at the line and column: `["config", "subscribe", 0, "qos"]`,
 * `["outputs", 1]`, `["inputs", "alerts"]`, `["config"]`.
 */
export interface BridgeConfigIssue {
  path: (string | number)[];
  message: string;
  /** What was probably meant (a key, a value), from a did-you-mean. */
  suggestion?: string;
}

/** Collects issues under one path prefix. */
export class ConfigIssues {
  constructor(
    readonly list: BridgeConfigIssue[],
    readonly prefix: readonly (string | number)[],
  ) {}

  add(at: string | number | readonly (string | number)[] | undefined, message: string, suggestion?: string): void {
    const rest = at === undefined ? [] : Array.isArray(at) ? at : [at as string | number];
    this.list.push({ path: [...this.prefix, ...rest], message, ...(suggestion !== undefined ? { suggestion } : {}) });
  }

  /** Issues under `at` of this prefix. */
  under(...at: (string | number)[]): ConfigIssues {
    return new ConfigIssues(this.list, [...this.prefix, ...at]);
  }

  /** An issue for each key of `mapping` not in `known`, with a did-you-mean. */
  unknownKeys(mapping: Record<string, unknown>, known: readonly string[], what: string): void {
    for (const key of Object.keys(mapping)) {
      if (!known.includes(key)) this.add(key, `unknown key '${key}' in ${what}: it takes ${known.join(", ")}`, didYouMean(key, known));
    }
  }

  /** An issue when `value` is not one of `allowed` (a did-you-mean for a misspelt string). */
  oneOf(at: string, value: unknown, allowed: readonly (string | number)[], what: string): void {
    if (value === undefined || allowed.includes(value as string | number)) return;
    const suggestion =
      typeof value === "string"
        ? (allowed.find((option) => String(option) === value)?.toString() ?? didYouMean(value, allowed.map(String)))
        : undefined;
    this.add(at, `${what} must be ${allowed.map((option) => JSON.stringify(option)).join(", ").replace(/, ([^,]*)$/, " or $1")}, not ${JSON.stringify(value)}`, suggestion);
  }

  /** An issue when `value` is given and is not a non-empty string; true when it is one. */
  text(at: string, value: unknown, required: boolean): value is string {
    if (typeof value === "string" && value !== "") return true;
    if (value !== undefined || required) this.add(at, value === undefined ? `${at} is required` : `${at} must be a non-empty string, not ${JSON.stringify(value)}`);
    return false;
  }
}

/** True for a YAML mapping (a plain object). */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
