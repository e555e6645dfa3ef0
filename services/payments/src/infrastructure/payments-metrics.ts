import { Counter, type Registry } from 'prom-client';
import type { PaymentsMetrics } from '../subscriptions/payments-subscriptions';

const name = 'payments_review_payments_total';

/**
 * `payments_review_payments_total{step}`: payments of held orders stopped at authorized (`held`), and captured once
 * the order was approved (`captured-after-approval`). The embedded topology shares one registry: a registered
 * counter is reused.
 */
export function paymentsMetricsIn(registry: Registry): PaymentsMetrics {
  const counter =
    (registry.getSingleMetric(name) as Counter<'step'> | undefined) ??
    new Counter({
      name,
      help: 'Payments of orders held for fraud review, by step: held (authorized only), captured-after-approval',
      labelNames: ['step'],
      registers: [registry],
    });
  return {
    heldForReview: () => counter.inc({ step: 'held' }),
    capturedAfterApproval: () => counter.inc({ step: 'captured-after-approval' }),
  };
}
