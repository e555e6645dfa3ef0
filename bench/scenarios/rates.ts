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

/** A figure measured beside others: `operation(n)` is its n-th request, from `clients` loops at once. */
export interface TurnFigure {
  name: string;
  note: string;
  clients: number;
  operation: (n: number) => Promise<boolean>;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/**
 * Measures the figures taking turns, `turns` rounds of each, so a change in the machine's speed touches each alike;
 * answers each figure's rate over all its turns, the median of its turns' p50 and the worst of their p99.
 */
export async function measureInTurns(
  figures: TurnFigure[],
  options: { seconds: number; turns: number },
): Promise<RateResult[]> {
  const turnSeconds = Math.max(2, Math.round(options.seconds / options.turns));
  const measured = figures.map(() => ({ succeeded: 0, seconds: 0, p50s: [] as number[], p99s: [] as number[] }));
  for (let turn = 0; turn < options.turns; turn++) {
    for (const [index, figure] of figures.entries()) {
      let sequence = 0;
      const run = await drive(figure.clients, turnSeconds, () => figure.operation(sequence++));
      const totals = measured[index] as (typeof measured)[number];
      totals.succeeded += run.succeeded;
      totals.seconds += turnSeconds;
      totals.p50s.push(run.p50Ms);
      totals.p99s.push(run.p99Ms);
    }
  }
  return figures.map((figure, index) => {
    const totals = measured[index] as (typeof measured)[number];
    return {
      name: figure.name,
      perSecond: Math.round(totals.succeeded / totals.seconds),
      p50Ms: median(totals.p50s),
      p99Ms: Math.max(...totals.p99s),
      note: figure.note,
    };
  });
}
