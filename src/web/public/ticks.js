// Axis ticks on whole buckets. uPlot's own splits on a numeric x scale fall at "nice" multiples
// of seconds, between the hours: the 24-hour chart read 20:00 22:00 23:00 00:00 02:00 …, each
// label the hour its tick fell in. These ticks are bucket starts, evenly spaced, the latest one
// always labelled, as many as fit at `minGapPx` apart.
export function bucketTicks(xs, widthPx, minGapPx = 56) {
  if (xs.length <= 1) return xs.slice();
  const fit = Math.max(1, Math.floor(widthPx / minGapPx));
  const every = Math.ceil(xs.length / fit);
  return xs.filter((_, i) => (xs.length - 1 - i) % every === 0);
}

// The x range: half a bucket beyond the first and the last. uPlot centres each bar on its x and
// by default ranges x over [first, last], so the first and the latest bar were cut in half at
// the plot's edges — on a phone the latest 7-day bar, today's, lost half its width.
export function bucketRange(xs, bucketS) {
  if (!xs.length) return [0, bucketS];
  return [xs[0] - bucketS / 2, xs[xs.length - 1] + bucketS / 2];
}
