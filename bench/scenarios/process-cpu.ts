// CPU per unit of work (an order, a message) for every process a topology runs, from /proc: a topology's processes
// are found as the process tree under the one the bench started, each named by what it runs (the service of a
// `services/<name>/src/main.ts`, a daprd's --app-id, postgres, redis…), and their CPU summed by that name. The
// embedded and the Dapr topology's order benches (bench/run.ts, bench/dapr-orders.ts) both count with this module.
import { readFileSync } from 'node:fs';
import { livePids, readProcStat } from './proc-stat';

/** CPU used so far (µs) by each named part of a process tree; several processes of one name are summed. */
export type CpuByProcess = Map<string, number>;

interface ProcessEntry {
  pid: number;
  parent: number;
  cpuMicros: number;
  name: string;
  argv: string[];
}

/**
 * Every live process under `rootPid` (itself included), named by nameOfProcess, with the CPU each used so far; with
 * `postgresPort`, the PostgreSQL server listening on it and its backends as `postgres` (pg_ctl detaches the server
 * from the tree that started it).
 */
export function processTreeCpu(rootPid: number, options: { postgresPort?: number } = {}): CpuByProcess {
  const entries = liveProcesses();
  const children = new Map<number, ProcessEntry[]>();
  for (const entry of entries.values()) {
    const siblings = children.get(entry.parent) ?? [];
    siblings.push(entry);
    children.set(entry.parent, siblings);
  }
  const byName: CpuByProcess = new Map();
  const root = entries.get(rootPid);
  const pending = root ? [root] : [];
  for (let entry = pending.pop(); entry; entry = pending.pop()) {
    byName.set(entry.name, (byName.get(entry.name) ?? 0) + entry.cpuMicros);
    pending.push(...(children.get(entry.pid) ?? []));
  }
  const postmaster = options.postgresPort === undefined ? undefined : postmasterOn(entries, options.postgresPort);
  if (postmaster) {
    // A backend's time is its own; the postmaster's counts only the backends that exited. Replaces what the tree
    // held under `postgres`, so a server inside the tree is not counted twice.
    const family = [postmaster, ...(children.get(postmaster.pid) ?? [])];
    byName.set(
      'postgres',
      family.reduce((total, entry) => total + entry.cpuMicros, 0),
    );
  }
  return byName;
}

function postmasterOn(entries: Map<number, ProcessEntry>, port: number): ProcessEntry | undefined {
  for (const entry of entries.values()) {
    if (entry.name !== 'postgres') continue;
    const argv = entry.argv;
    if (/postgres$/.test(argv[0] ?? '') && argv[argv.indexOf('-p') + 1] === String(port)) return entry;
  }
  return undefined;
}

/** This process's own CPU (µs), under the name the figures give it. */
export function ownCpu(name: string): CpuByProcess {
  const usage = process.cpuUsage();
  return new Map([[name, usage.user + usage.system]]);
}

/** What each named part used between two readings of the same processes, per unit of `work` (µs per unit). */
export function cpuPerUnit(before: CpuByProcess, after: CpuByProcess, work: number): CpuByProcess {
  const perUnit: CpuByProcess = new Map();
  for (const [name, micros] of after) {
    const spent = micros - (before.get(name) ?? 0);
    // A process that started during the measurement counts from 0; one that ended left its time to its parent.
    if (spent > 0 && work > 0) perUnit.set(name, spent / work);
  }
  return perUnit;
}

/** Merges readings of separate trees (a topology's and the load generator's) into one. */
export function mergeCpu(...readings: CpuByProcess[]): CpuByProcess {
  const merged: CpuByProcess = new Map();
  for (const reading of readings)
    for (const [name, micros] of reading) merged.set(name, (merged.get(name) ?? 0) + micros);
  return merged;
}

/** `total 11.2 ms/order: edge 9.1, load generator 2.0, …`, the largest first, in milliseconds per unit. */
export function describeCpuPerUnit(perUnit: CpuByProcess, unit: string): string {
  const parts = [...perUnit].filter(([, micros]) => micros >= 5).sort((a, b) => b[1] - a[1]);
  const total = [...perUnit.values()].reduce((sum, micros) => sum + micros, 0);
  const ms = (micros: number) => (micros / 1000).toFixed(micros >= 10_000 ? 1 : 2);
  return `CPU ${ms(total)} ms/${unit}: ${parts.map(([name, micros]) => `${name} ${ms(micros)}`).join(', ')}`;
}

/**
 * A topology's CPU per unit in lines: the total, what its services, its sidecars and PostgreSQL took, then every
 * process by name, the largest first (milliseconds per unit).
 */
export function describeTopologyCpu(perUnit: CpuByProcess, unit: string): string {
  const rows = [...perUnit].sort((a, b) => b[1] - a[1]);
  const sum = (pick: (name: string) => boolean) =>
    rows.filter(([name]) => pick(name)).reduce((total, [, micros]) => total + micros, 0);
  const ms = (micros: number) => (micros / 1000).toFixed(2);
  const isSidecar = (name: string) => name.startsWith('daprd');
  // A service is named by its directory alone; every other process has a program name or a script in its name.
  const isService = (name: string) => /^[a-z][a-z-]*$/.test(name) && !notServices.has(name);
  return [
    `  CPU per ${unit}: ${ms(sum(() => true))} ms in all; services ${ms(sum(isService))} ms, ` +
      `daprds ${ms(sum(isSidecar))} ms, postgres ${ms(sum((name) => name === 'postgres'))} ms`,
    ...rows.map(([name, micros]) => `    ${name.padEnd(32)} ${ms(micros)} ms`),
  ].join('\n');
}

const notServices = new Set(['postgres', 'redis-server', 'daprd', 'node', 'sentry', 'placement', 'scheduler']);

/**
 * What a process is, from its command line: the service of a `services/<name>/src/main.ts` (or a bundled
 * `dist/<name>/main.js`), `daprd <app-id>`, or the program's own name (node, postgres, redis-server, sentry…),
 * with the script a node process runs when it is none of those.
 */
export function nameOfProcess(argv: string[], command: string): string {
  const first = argv[0] ?? command;
  // PostgreSQL backends and auxiliaries retitle themselves ("postgres: bench db 127.0.0.1(4242) idle").
  if (/^postgres:/.test(first)) return 'postgres';
  // redis-server retitles itself "/usr/bin/redis-server 127.0.0.1:6379".
  const program = (first.split(' ')[0] ?? first).split('/').pop() || command;
  if (program === 'daprd') {
    const appId = argv[argv.indexOf('--app-id') + 1];
    return argv.includes('--app-id') && appId ? `daprd ${appId}` : 'daprd';
  }
  // tsx's CLI runs the script in a child node process; it only waits for it.
  if (argv.some((arg) => arg.endsWith('tsx/dist/cli.mjs') || arg.endsWith('.bin/tsx'))) return 'tsx wrapper';
  const service = argv
    .map((arg) => /services\/([^/]+)\/src\/main\.ts$/.exec(arg) ?? /dist\/([^/]+)\/main\.js$/.exec(arg))
    .find((match) => match !== null);
  if (service?.[1]) return service[1];
  if (program === 'node' || program.startsWith('node')) {
    const script = argv.slice(1).find((arg) => !arg.startsWith('-') && /\.[cm]?[jt]s$/.test(arg));
    return script ? `node ${script.split('/').slice(-2).join('/')}` : 'node';
  }
  return program;
}

function liveProcesses(): Map<number, ProcessEntry> {
  const entries = new Map<number, ProcessEntry>();
  for (const pid of livePids()) {
    try {
      const stat = readProcStat(pid);
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      entries.set(pid, {
        pid,
        parent: stat.parent,
        cpuMicros: stat.cpuMicros,
        name: nameOfProcess(argv, stat.command),
        argv,
      });
    } catch {
      // The process exited while we looked; its time is in its parent's children's time now.
    }
  }
  return entries;
}

/**
 * The PostgreSQL URL a topology's services use: a service process under `root` holds it in its environment (the
 * Dapr topology starts its own server; its port is what processTreeCpu's `postgresPort` takes).
 */
export function databaseUrlUnder(root: number): string {
  for (const pid of livePids()) {
    try {
      let ancestor = pid;
      while (ancestor > 1 && ancestor !== root) ancestor = readProcStat(ancestor).parent;
      if (ancestor !== root) continue;
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      const url = environ.find((line) => line.startsWith('DATABASE_URL=postgres'));
      if (url) return url.slice('DATABASE_URL='.length);
    } catch {}
  }
  throw new Error(`no service process with a DATABASE_URL under ${root}`);
}
