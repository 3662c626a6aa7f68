/**
 * The delay before reconnect attempt `attempt` (0 for the first): exponential from `minMs`,
 * capped at `maxMs`, with "equal jitter" (a random half of it), so that clients that lost the
 * same broker do not all come back at the same instant.
 */
export function backoffDelay(attempt: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
