// What the sidecars of a run of the Dapr topology counted (publishes, deliveries, invocations), from each daprd's
// metrics. Taken before and after a load, the difference divided by the orders completed is what one order cost in
// crossings; the CPU per process is counted by ./process-cpu, as for the embedded topology.
import { readFileSync } from 'node:fs';

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
