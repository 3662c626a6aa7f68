/** Latency statistics in microseconds. */
export interface LatencyStats {
  samples: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Percentiles (nearest rank) of nanosecond samples, in microseconds. */
export function latencyStats(nanos: readonly number[]): LatencyStats {
  if (nanos.length === 0) return { samples: 0, p50: NaN, p90: NaN, p99: NaN, max: NaN, mean: NaN };
  const sorted = [...nanos].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]! / 1000;
  const mean = sorted.reduce((sum, x) => sum + x, 0) / sorted.length / 1000;
  return { samples: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[sorted.length - 1]! / 1000, mean };
}

/** Throughput of one size. */
export interface Throughput {
  messages: number;
  seconds: number;
  messagesPerSecond: number;
  megabytesPerSecond: number;
}

export function throughput(messages: number, size: number, nanos: number): Throughput {
  const seconds = nanos / 1e9;
  return { messages, seconds, messagesPerSecond: messages / seconds, megabytesPerSecond: (messages * size) / seconds / 1e6 };
}
