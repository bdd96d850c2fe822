// Small descriptive statistics for delays and learned thresholds.

export interface DelayStats {
  n: number;
  mean: number;
  median: number;
  max: number;
}

/** Percentile with linear interpolation between closest ranks (numpy's default); `sorted` ascending. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error('percentile of an empty list');
  if (!(p >= 0 && p <= 100)) throw new Error(`expected a percentile in [0, 100], got ${p}`);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (rank - lo);
}

export function delayStats(values: readonly number[]): DelayStats | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((x, y) => x - y);
  const sum = sorted.reduce((s, v) => s + v, 0);
  return { n: sorted.length, mean: sum / sorted.length, median: percentile(sorted, 50), max: sorted[sorted.length - 1]! };
}
