import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

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

/** The CPU a process has used so far, in microseconds: user + system time of all its threads, plus what its exited children used. */
export function processCpuMicros(pid: number): number {
  return cpuMicrosOfStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

/** The CPU of a process and of every live child it has (a PostgreSQL server and its backends), in microseconds. */
export function processTreeCpuMicros(pid: number): number {
  let total = processCpuMicros(pid);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (statFields(stat)[1] === String(pid)) total += cpuMicrosOfStat(stat);
    } catch {
      // The process exited while we looked; its time is in its parent's children's time now.
    }
  }
  return total;
}

/** The parent of a process (the postmaster of a PostgreSQL backend). */
export function parentPidOf(pid: number): number {
  return Number(statFields(readFileSync(`/proc/${pid}/stat`, 'utf8'))[1]);
}

/** utime + stime + cutime + cstime (fields 14 to 17 of proc_pid_stat(5)) in microseconds. */
export function cpuMicrosOfStat(stat: string): number {
  const fields = statFields(stat);
  const ticks = [11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index]), 0);
  if (!Number.isFinite(ticks)) throw new Error(`not a /proc/<pid>/stat line: ${stat.slice(0, 80)}`);
  return (ticks * 1_000_000) / clockTicksPerSecond();
}

// The fields after the command name, from the state (field 3) on; the name is in parentheses and may hold any
// character, ")" and spaces included, so it ends at the last ")".
function statFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

let ticksPerSecond: number | undefined;
function clockTicksPerSecond(): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  return ticksPerSecond;
}
