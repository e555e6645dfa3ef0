// What a run of the Dapr topology cost, per process: CPU from /proc of every process under the topology's root
// (each service, each daprd, PostgreSQL with its backends, Redis, Sentry, the gateway), and what the sidecars
// counted (publishes, deliveries, invocations) from each daprd's metrics. Taken before and after a load, the
// difference divided by the orders completed is the cost of one order.
import { readdirSync, readFileSync } from 'node:fs';
import { cpuMicrosOfStat } from './rates';

/** A process of the topology named by its role: `orders`, `daprd orders`, `postgres`, `redis`, `gateway`. */
function roleOf(pid: number): string | undefined {
  let cmdline: string[];
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return undefined;
  }
  const joined = cmdline.join(' ');
  const service = /services\/([a-z-]+)\/src\/main\.ts/.exec(joined);
  if (service) return service[1];
  const appId = cmdline.indexOf('--app-id');
  if (appId >= 0) return `daprd ${cmdline[appId + 1]}`;
  if (/postgres/.test(cmdline[0] ?? '')) return 'postgres';
  if (/redis-server/.test(cmdline[0] ?? '')) return 'redis';
  if (/sentry/.test(cmdline[0] ?? '')) return 'sentry';
  if (/start-dapr/.test(joined)) return 'gateway';
  return undefined;
}

interface ProcessStat {
  pid: number;
  parent: number;
  cpuMicros: number;
}

function allProcesses(): ProcessStat[] {
  const found: ProcessStat[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      found.push({ pid: Number(entry), parent, cpuMicros: cpuMicrosOfStat(stat) });
    } catch {
      // Exited while we looked.
    }
  }
  return found;
}

/**
 * CPU microseconds by role of every live process descending from `rootPid` (the root itself included), and of the
 * PostgreSQL server listening on `postgresPort` with its backends (pg_ctl detaches it from the topology's tree).
 */
export function topologyCpuByRole(rootPid: number, postgresPort?: number): Map<string, number> {
  const processes = allProcesses();
  const children = new Map<number, ProcessStat[]>();
  for (const process of processes) children.set(process.parent, [...(children.get(process.parent) ?? []), process]);
  const byRole = new Map<string, number>();
  const visit = (stat: ProcessStat, inherited: string) => {
    const role = roleOf(stat.pid) ?? inherited;
    // A PostgreSQL backend's time is its own; the postmaster's cutime holds only the backends that exited.
    byRole.set(role, (byRole.get(role) ?? 0) + stat.cpuMicros);
    for (const child of children.get(stat.pid) ?? []) visit(child, role === 'gateway' ? 'other' : role);
  };
  const root = processes.find((p) => p.pid === rootPid);
  if (root) visit(root, 'gateway');
  const postmaster = postgresPort === undefined ? undefined : postmasterOn(processes, postgresPort);
  if (postmaster) {
    const family = processes.filter((p) => p.pid === postmaster || p.parent === postmaster);
    byRole.set(
      'postgres',
      family.reduce((total, p) => total + p.cpuMicros, 0),
    );
  }
  return byRole;
}

function postmasterOn(processes: ProcessStat[], port: number): number | undefined {
  for (const { pid } of processes) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (/postgres$/.test(cmdline[0] ?? '') && cmdline[cmdline.indexOf('-p') + 1] === String(port)) return pid;
    } catch {}
  }
  return undefined;
}

/** The sidecars' counters: publishes (egress), deliveries (ingress) and invocations sent, summed over every daprd. */
export interface SidecarCounts {
  publishes: number;
  /** Bulk publish calls (each carrying several of the publishes). */
  publishCalls: number;
  deliveries: number;
  /** Bulk deliveries (each carrying several of the deliveries). */
  deliveryCalls: number;
  invocations: number;
  /** Deliveries by `app <- topic`. */
  deliveriesByRoute: Map<string, number>;
}

export async function sidecarCounts(metricsPorts: number[]): Promise<SidecarCounts> {
  const counts: SidecarCounts = {
    publishes: 0,
    publishCalls: 0,
    deliveries: 0,
    deliveryCalls: 0,
    invocations: 0,
    deliveriesByRoute: new Map(),
  };
  for (const port of metricsPorts) {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    for (const line of text.split('\n')) {
      if (line.startsWith('#')) continue;
      const value = Number(line.slice(line.lastIndexOf(' ') + 1));
      if (!Number.isFinite(value)) continue;
      if (/topic="deadletter/.test(line)) continue;
      if (line.startsWith('dapr_component_pubsub_egress_count{')) counts.publishes += value;
      else if (line.startsWith('dapr_component_pubsub_egress_bulk_event_count{')) counts.publishes += value;
      else if (line.startsWith('dapr_component_pubsub_egress_bulk_count{')) counts.publishCalls += value;
      else if (line.startsWith('dapr_component_pubsub_ingress_count{')) {
        counts.deliveries += value;
        const route = `${/app_id="([^"]*)"/.exec(line)?.[1]} <- ${/topic="([^"]*)"/.exec(line)?.[1]}`;
        counts.deliveriesByRoute.set(route, (counts.deliveriesByRoute.get(route) ?? 0) + value);
      } else if (line.startsWith('dapr_component_pubsub_ingress_bulk_event_count{')) counts.deliveries += value;
      else if (line.startsWith('dapr_component_pubsub_ingress_bulk_count{')) counts.deliveryCalls += value;
      else if (line.startsWith('dapr_runtime_service_invocation_req_sent_total{')) counts.invocations += value;
    }
  }
  return counts;
}

/** The daprds' metrics ports from tools/start-dapr.ts's topology.json. */
export function metricsPortsOf(topologyFile: string): number[] {
  const description = JSON.parse(readFileSync(topologyFile, 'utf8')) as {
    members: Array<{ sidecar: { metricsPort: number } }>;
  };
  return description.members.map((member) => member.sidecar.metricsPort);
}

/** CPU per order by role (ms), biggest first, and the totals of the services, the daprds and everything. */
export function perOrderReport(before: Map<string, number>, after: Map<string, number>, orders: number): string {
  const rows = [...after].map(([role, micros]) => [role, (micros - (before.get(role) ?? 0)) / 1000 / orders] as const);
  rows.sort((a, b) => b[1] - a[1]);
  const sum = (filter: (role: string) => boolean) =>
    rows.filter(([role]) => filter(role)).reduce((total, [, ms]) => total + ms, 0);
  const daprd = sum((role) => role.startsWith('daprd '));
  const infra = new Set(['postgres', 'redis', 'sentry', 'gateway', 'other']);
  const services = sum((role) => !role.startsWith('daprd ') && !infra.has(role));
  const lines = rows.map(([role, ms]) => `    ${role.padEnd(24)} ${ms.toFixed(2)} ms`);
  return [
    `  CPU per completed order: ${sum(() => true).toFixed(1)} ms in all; services ${services.toFixed(1)} ms, ` +
      `daprds ${daprd.toFixed(1)} ms, postgres ${sum((r) => r === 'postgres').toFixed(1)} ms, ` +
      `redis ${sum((r) => r === 'redis').toFixed(1)} ms, gateway ${sum((r) => r === 'gateway').toFixed(1)} ms`,
    ...lines,
  ].join('\n');
}
