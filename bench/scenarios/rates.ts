/** One measured rate, printed as a row next to its baseline. */
export interface RateResult {
  name: string;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  note: string;
}

/** The value at fraction `p` of an ascending list (0 for an empty one). */
export function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0);
}

/**
 * Runs `operation` from `concurrency` loops for `seconds`; answers how many succeeded per second and the
 * latencies of all of them.
 */
export async function drive(concurrency: number, seconds: number, operation: () => Promise<boolean>) {
  const latencies: number[] = [];
  let succeeded = 0;
  const deadline = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadline) {
        const started = performance.now();
        if (await operation()) succeeded += 1;
        latencies.push(performance.now() - started);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return {
    perSecond: Math.round(succeeded / seconds),
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    succeeded,
  };
}
