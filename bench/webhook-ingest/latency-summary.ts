import type { Ack } from "./send-deliveries.js";

export interface LatencySummary {
  p50: number;
  p95: number;
  max: number;
  /** Acks that were not 202 (or never came). */
  refused: number;
}

/** Nearest-rank percentiles of the ack times, and how many answers were not a 202. */
export function summariseAcks(acks: readonly Ack[]): LatencySummary {
  const sorted = acks.map((a) => a.ms).sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
  return { p50: rank(50), p95: rank(95), max: sorted.at(-1) ?? NaN, refused: acks.filter((a) => a.status !== 202).length };
}
