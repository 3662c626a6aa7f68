/** A daemon timer parsed from `dora/timer/<unit>/<n>` (or the `rivulet/timer/...` alias). */
export interface TimerSpec {
  /** The spec as written. */
  spec: string;
  /** Period in nanoseconds (integer, at least 1000). */
  periodNs: number;
}

const UNIT_NS: Record<string, number> = { secs: 1e9, millis: 1e6, micros: 1e3, nanos: 1 };
const PREFIXES = ["dora/timer/", "rivulet/timer/"];
/** Shortest period a timer may have: faster ones would only flood the control plane. */
export const MIN_TIMER_PERIOD_NS = 100_000;

/** True when `source` is meant as a timer (it may still be malformed). */
export function isTimerSource(source: string): boolean {
  return PREFIXES.some((prefix) => source.startsWith(prefix));
}

/**
 * Parses a timer spec. Returns an error text for malformed specs.
 * `secs`, `millis`, `micros`, `nanos` take a positive integer; `hz` a positive number.
 */
export function parseTimer(source: string): TimerSpec | string {
  const prefix = PREFIXES.find((p) => source.startsWith(p));
  if (!prefix) return `'${source}' is not a timer`;
  const [unit, value, ...rest] = source.slice(prefix.length).split("/");
  const units = [...Object.keys(UNIT_NS), "hz"].join(", ");
  if (rest.length > 0 || unit === undefined || value === undefined) return `timer '${source}' must be ${prefix}<unit>/<n> with unit one of ${units}`;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n <= 0) return `timer '${source}': '${value}' is not a positive number`;
  let periodNs: number;
  if (unit === "hz") periodNs = Math.round(1e9 / n);
  else if (UNIT_NS[unit] !== undefined) {
    if (!Number.isInteger(n)) return `timer '${source}': ${unit} takes a whole number, got '${value}'`;
    periodNs = n * UNIT_NS[unit]!;
  } else return `timer '${source}': unknown unit '${unit}' (use one of ${units})`;
  if (periodNs < MIN_TIMER_PERIOD_NS) return `timer '${source}' is faster than the minimum period of ${MIN_TIMER_PERIOD_NS / 1000} us`;
  return { spec: source, periodNs };
}
