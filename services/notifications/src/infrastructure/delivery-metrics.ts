import { Counter, type Registry } from 'prom-client';
import type { AttemptListener } from '../application/ports';

/**
 * `notifications_deliveries_total{channel,status}`: deliveries settled by the sender (Sent, Failed), and
 * `notifications_retries_total{channel}`: attempts that failed and were scheduled again.
 */
export function deliveryMetrics(registry: Registry): AttemptListener {
  const settled = new Counter({
    name: 'notifications_deliveries_total',
    help: 'Notification deliveries settled by the sender, by channel and status',
    labelNames: ['channel', 'status'] as const,
    registers: [registry],
  });
  const retries = new Counter({
    name: 'notifications_retries_total',
    help: 'Failed delivery attempts scheduled to be tried again, by channel',
    labelNames: ['channel'] as const,
    registers: [registry],
  });
  return (delivery, outcome) => {
    if (outcome === 'Sent' || outcome === 'Failed') settled.inc({ channel: delivery.channel, status: outcome });
    if (outcome === 'Retry') retries.inc({ channel: delivery.channel });
  };
}
