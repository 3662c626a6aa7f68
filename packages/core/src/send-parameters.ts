import { InvalidParameterError } from "./errors.js";
import type { Metadata, Parameter } from "./event.js";

/**
 * Checks the parameters of a send before anything is encoded: a flat dict whose values are
 * booleans, finite numbers, strings, or arrays holding one of those types (an empty array is
 * fine). JSON would turn NaN and Infinity into null and refuse a bigint deep inside the frame
 * codec; a nested object would arrive although the format promises flat parameters.
 * Returns `parameters` unchanged.
 * @throws InvalidParameterError naming the first offending key and why (`nested`, `not-finite`,
 *   `type` for a bigint, function, symbol, null or undefined, `mixed-array`).
 */
export function checkParameters(parameters: Record<string, Parameter>, nodeId?: string): Record<string, Parameter> {
  for (const key in parameters) {
    const value: unknown = parameters[key];
    if (Array.isArray(value)) checkArray(key, value, nodeId);
    else {
      const reason = scalarIssue(value);
      if (reason) throw new InvalidParameterError(key, reason, nodeId);
    }
  }
  return parameters;
}

function checkArray(key: string, values: readonly unknown[], nodeId: string | undefined): void {
  const first = typeof values[0];
  for (const value of values) {
    if (Array.isArray(value)) throw new InvalidParameterError(key, "nested", nodeId);
    const reason = scalarIssue(value);
    if (reason) throw new InvalidParameterError(key, reason, nodeId);
    if (typeof value !== first) throw new InvalidParameterError(key, "mixed-array", nodeId);
  }
}

function scalarIssue(value: unknown): InvalidParameterError["reason"] | undefined {
  switch (typeof value) {
    case "boolean":
    case "string":
      return undefined;
    case "number":
      return Number.isFinite(value) ? undefined : "not-finite";
    case "object":
      return value === null ? "type" : "nested";
    default:
      return "type";
  }
}

/** The parameters to send: a flat dict as given, or the parameters of an input event's `metadata`. */
export function parametersOf(metadata: Record<string, Parameter> | Metadata | undefined): Record<string, Parameter> {
  if (!metadata) return {};
  const candidate = metadata as Partial<Metadata>;
  if (typeof candidate.timestamp === "number" && typeof candidate.parameters === "object" && candidate.parameters !== null) {
    return candidate.parameters;
  }
  return metadata as Record<string, Parameter>;
}
