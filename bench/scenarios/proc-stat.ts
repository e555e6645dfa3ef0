// The one reader of /proc/<pid>/stat (proc_pid_stat(5)) for the benches: a process's name, parent and CPU time.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** What the benches read of a process's stat line. */
export interface ProcStat {
  /** The command name (field 2), without its parentheses. */
  command: string;
  parent: number;
  /** utime + stime: the CPU of the process's own threads, in microseconds. */
  ownCpuMicros: number;
  /** utime + stime + cutime + cstime: its own CPU and what its reaped children used, in microseconds. */
  cpuMicros: number;
}

/** Parses one /proc/<pid>/stat line. */
export function parseProcStat(stat: string): ProcStat {
  // The command name is in parentheses and may hold any character, ")" and spaces included, so it ends at the last
  // ")"; the fields after it start at the state (field 3).
  const nameEnd = stat.lastIndexOf(')');
  const fields = stat.slice(nameEnd + 2).split(' ');
  const ticks = (indexes: number[]) => indexes.reduce((sum, index) => sum + Number(fields[index]), 0);
  const [own, all] = [ticks([11, 12]), ticks([11, 12, 13, 14])];
  if (nameEnd < 0 || !Number.isFinite(all)) throw new Error(`not a /proc/<pid>/stat line: ${stat.slice(0, 80)}`);
  const micros = 1_000_000 / clockTicksPerSecond();
  return {
    command: stat.slice(stat.indexOf('(') + 1, nameEnd),
    parent: Number(fields[1]),
    ownCpuMicros: own * micros,
    cpuMicros: all * micros,
  };
}

/** A live process's stat line, parsed; throws when the process is gone. */
export function readProcStat(pid: number): ProcStat {
  return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

/** The ids of every live process. */
export function livePids(): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number);
}

/** The CPU a process has used so far, in microseconds: user + system time of all its threads, plus what its exited children used. */
export function processCpuMicros(pid: number): number {
  return readProcStat(pid).cpuMicros;
}

/** The CPU of a process and of every live child it has (a PostgreSQL server and its backends), in microseconds. */
export function processTreeCpuMicros(pid: number): number {
  let total = processCpuMicros(pid);
  for (const entry of livePids()) {
    try {
      const stat = readProcStat(entry);
      if (stat.parent === pid) total += stat.cpuMicros;
    } catch {
      // The process exited while we looked; its time is in its parent's children's time now.
    }
  }
  return total;
}

/** The parent of a process (the postmaster of a PostgreSQL backend). */
export function parentPidOf(pid: number): number {
  return readProcStat(pid).parent;
}

let ticksPerSecond: number | undefined;
function clockTicksPerSecond(): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  return ticksPerSecond;
}
