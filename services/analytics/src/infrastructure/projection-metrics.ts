import { Counter, type Registry } from 'prom-client';

/** `analytics_events_projected_total{type}`: events whose figures committed, by event type. */
export function projectionMetrics(registry: Registry): (eventType: string) => void {
  const projected = new Counter({
    name: 'analytics_events_projected_total',
    help: 'Events projected into the analytics read models, by event type',
    labelNames: ['type'] as const,
    registers: [registry],
  });
  return (eventType) => projected.inc({ type: eventType });
}
