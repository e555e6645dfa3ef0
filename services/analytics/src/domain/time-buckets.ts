/** Times are kept per UTC hour and day as whole numbers since the epoch: the same on every database. */
export const hourMs = 3_600_000;
export const dayMs = 24 * hourMs;

export type Interval = 'hour' | 'day';

export const intervalMs: Record<Interval, number> = { hour: hourMs, day: dayMs };

/** The hour (since the epoch, UTC) an instant falls in. */
export const hourOf = (at: Date): number => Math.floor(at.getTime() / hourMs);
/** The day (since the epoch, UTC) an instant falls in. */
export const dayOf = (at: Date): number => Math.floor(at.getTime() / dayMs);

/** A half-open range of whole buckets, `[first, end)`, in bucket numbers. */
export interface BucketRange {
  first: number;
  end: number;
}

/**
 * The buckets of `interval` that overlap `[from, to)`: a range that starts or ends inside a bucket takes the
 * whole bucket, since figures are kept no finer than that.
 */
export function bucketsOverlapping(from: Date, to: Date, interval: Interval): BucketRange {
  const size = intervalMs[interval];
  return { first: Math.floor(from.getTime() / size), end: Math.ceil(to.getTime() / size) };
}

/** The hours inside the buckets of `interval` that overlap `[from, to)`. */
export function hoursOverlapping(from: Date, to: Date, interval: Interval): BucketRange {
  const { first, end } = bucketsOverlapping(from, to, interval);
  const hours = intervalMs[interval] / hourMs;
  return { first: first * hours, end: end * hours };
}

/** The start of every bucket in the range, in order: the series' points, empty ones included. */
export function bucketStarts(range: BucketRange, interval: Interval): Date[] {
  const size = intervalMs[interval];
  const starts: Date[] = [];
  for (let bucket = range.first; bucket < range.end; bucket += 1) starts.push(new Date(bucket * size));
  return starts;
}
