import { type HubMetrics, type HubStats, type SendScope, transportKinds } from '@shop/signalr';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The hub metrics in one Prometheus registry, fed by every hub's stats. */
export class PrometheusHubMetrics implements HubMetrics {
  private readonly sources = new Set<HubStats>();
  private readonly sendDuration: Histogram<'hub' | 'scope'>;

  constructor(registry: Registry) {
    const sources = this.sources;
    new Gauge({
      name: 'signalr_connections',
      help: 'Connections that completed the handshake, by hub and transport',
      labelNames: ['hub', 'transport'],
      registers: [registry],
      collect() {
        this.reset();
        for (const stats of sources) {
          for (const transport of transportKinds) this.inc({ hub: stats.hub, transport }, stats.connections[transport]);
        }
      },
    });
    new Counter({
      name: 'signalr_messages_received_total',
      help: 'Hub messages received from clients, by hub',
      labelNames: ['hub'],
      registers: [registry],
      collect() {
        this.reset();
        for (const stats of sources) this.inc({ hub: stats.hub }, stats.messagesReceived);
      },
    });
    new Counter({
      name: 'signalr_messages_sent_total',
      help: 'Hub messages written to clients (one per receiving connection), by hub',
      labelNames: ['hub'],
      registers: [registry],
      collect() {
        this.reset();
        for (const stats of sources) this.inc({ hub: stats.hub }, stats.messagesSent);
      },
    });
    this.sendDuration = new Histogram({
      name: 'signalr_send_duration_seconds',
      help: 'Time a server send takes to reach every addressed connection of this process, by hub and scope',
      labelNames: ['hub', 'scope'],
      buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    });
  }

  track(stats: HubStats): void {
    this.sources.add(stats);
  }

  untrack(stats: HubStats): void {
    this.sources.delete(stats);
  }

  observeSend(hub: string, scope: SendScope, seconds: number): void {
    this.sendDuration.observe({ hub, scope }, seconds);
  }
}

const metricsByRegistry = new WeakMap<Registry, PrometheusHubMetrics>();

/** One set of hub metrics per registry, however many hub servers report into it. */
export function hubMetricsFor(registry: Registry): PrometheusHubMetrics {
  let metrics = metricsByRegistry.get(registry);
  if (!metrics) {
    metrics = new PrometheusHubMetrics(registry);
    metricsByRegistry.set(registry, metrics);
  }
  return metrics;
}
