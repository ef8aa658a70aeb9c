/** Latency percentiles of a set of timed calls, in milliseconds. */
export interface Percentiles {
  calls: number;
  p50: number;
  p95: number;
  p99: number;
}

export function percentiles(samples: number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) =>
    Number((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0).toFixed(3));
  return { calls: samples.length, p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}
