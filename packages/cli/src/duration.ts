import { RivuletError } from "@rivulet/core";

/** A command-line duration that is not a number with a unit (`500ms`, `10s`, `2m`). */
export class InvalidDurationError extends RivuletError {
  constructor(readonly text: string) {
    super(`'${text}' is not a duration (use e.g. 500ms, 10s, 2m)`);
  }
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, sec: 1000, secs: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/**
 * Parses a duration such as `500ms`, `10s`, `2m` or `1.5s`; a bare number means seconds.
 * @throws InvalidDurationError for anything else.
 */
export function parseDuration(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/.exec(text);
  const unit = match?.[2] === "" ? "s" : match?.[2];
  if (!match || unit === undefined || UNITS[unit] === undefined) {
    throw new InvalidDurationError(text);
  }
  return Math.round(Number(match[1]) * UNITS[unit]!);
}

/**
 * Writes milliseconds the way `parseDuration` reads them back: whole seconds as `10s` (also
 * `60s`, which reads better beside the other defaults than `1m`), anything else as `1500ms`.
 */
export function formatDuration(ms: number): string {
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
