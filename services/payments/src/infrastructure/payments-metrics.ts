import { counterIn } from '@shop/kit';
import type { Registry } from 'prom-client';
import type { PaymentStore, Payments } from '../application/ports';
import type { PaymentsMetrics } from '../subscriptions/payments-subscriptions';

/**
 * `payments_review_payments_total{step}`: payments of held orders stopped at authorized (`held`), and captured once
 * the order was approved (`captured-after-approval`).
 */
export function paymentsMetricsIn(registry: Registry): PaymentsMetrics {
  const counter = counterIn(registry, {
    name: 'payments_review_payments_total',
    help: 'Payments of orders held for fraud review, by step: held (authorized only), captured-after-approval',
    labelNames: ['step'] as const,
  });
  return {
    heldForReview: () => counter.inc({ step: 'held' }),
    capturedAfterApproval: () => counter.inc({ step: 'captured-after-approval' }),
  };
}

/**
 * `payments_status_changes_total{from,to}`: the payments' outcomes, as the moves the store writes (pending →
 * authorized → captured; → failed when declined; → voided, refunded, partially_refunded), counted where the
 * conditional UPDATE succeeds. A move whose transaction then fails to commit is still counted (rare: the move
 * is among the transaction's last statements). `payments_refunds_total`: refunds added to captured payments.
 */
export function countedPaymentMoves(registry: Registry): (store: PaymentStore) => PaymentStore {
  const moves = counterIn(registry, {
    name: 'payments_status_changes_total',
    help: 'Payment status changes, by the status left and the status entered',
    labelNames: ['from', 'to'] as const,
  });
  const refunds = counterIn(registry, {
    name: 'payments_refunds_total',
    help: 'Refunds recorded against captured payments (admin refunds and cancellations of paid orders)',
  });
  return (store) => {
    const payments: Payments = {
      ...store.payments,
      async addRefunded(id, amount, at) {
        const added = await store.payments.addRefunded(id, amount, at);
        if (added) refunds.inc();
        return added;
      },
      async move(id, from, to, at, changes) {
        const moved = await store.payments.move(id, from, to, at, changes);
        if (moved) moves.inc({ from, to });
        return moved;
      },
    };
    return { ...store, payments };
  };
}
