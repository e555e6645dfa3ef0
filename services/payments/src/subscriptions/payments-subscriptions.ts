import {
  type EventContract,
  OrderApproved,
  OrderCancelled,
  OrderFailed,
  StockReservationFailed,
  StockReserved,
} from '@shop/contracts';
import { type EventSubscription, type InboxEventContext, type Logger, subscribe, type Tx } from '@shop/kit';
import { type ApprovalResult, captureApprovedPayment } from '../application/capture-approved-payment';
import { type ChargeResult, chargePayment } from '../application/charge-payment';
import type { InTransaction, PaymentStore, PaymentsDeps } from '../application/ports';
import { type OrderEnding, type SettleResult, settleEndedOrder } from '../application/settle-ended-order';

export interface PaymentsSubscriptionDeps {
  payments: PaymentsDeps;
  /** The payment store inside the transaction the kit's inbox opened for the event. */
  storeOf(tx: Tx): PaymentStore;
  metrics: PaymentsMetrics;
}

/** The fraud review as payments sees it. */
export interface PaymentsMetrics {
  /** A held order's payment stopped at authorized (payments_review_payments_total{step="held"}). */
  heldForReview(): void;
  /** An approved order's payment was captured (payments_review_payments_total{step="captured-after-approval"}). */
  capturedAfterApproval(): void;
}

// Money moved (or was refused): one line each, with ids and reasons, never card data.
function logCharge(result: ChargeResult | ApprovalResult, log: Logger): void {
  if (result.outcome === 'captured') log.info({ paymentId: result.payment.id }, 'payment captured');
  else if (result.outcome === 'declined') log.info({ reason: result.reason }, 'payment declined');
  else if (result.outcome === 'held-for-review') {
    log.info({ paymentId: result.payment.id }, 'payment authorized, held for fraud review');
  } else log.debug({ outcome: result.outcome }, 'the event changed nothing');
}

function logSettlement(result: SettleResult, log: Logger): void {
  if (result.outcome === 'voided') log.info('payment voided');
  else if (result.outcome === 'refunded') {
    log.info({ refundId: result.refund.id, amount: result.refund.amount }, 'payment refunded');
  } else log.debug({ outcome: result.outcome }, 'the order ending changed nothing');
}

/** The handlers' deps: the gateway and clock, and the store inside the event's transaction. */
const inTx = (ctx: InboxEventContext, deps: PaymentsSubscriptionDeps): InTransaction => ({
  ...deps.payments,
  store: deps.storeOf(ctx.tx),
});

/** Settles the order's payment when the order ends; before placement opened it, asks for redelivery. */
const settle = <TData extends { orderId: string }>(contract: EventContract<TData>, ending: OrderEnding) =>
  subscribe<TData, PaymentsSubscriptionDeps>(contract, async (ctx, event, deps) => {
    const result = await settleEndedOrder(ctx, { orderId: event.data.orderId, ending }, inTx(ctx, deps));
    if (result.outcome === 'no-payment') return 'retry';
    ctx.afterCommit(() => logSettlement(result, ctx.log));
    return undefined;
  });

/**
 * The payment steps of the order saga. Each is idempotent twice over: on the event id (the kit's inbox) and on
 * the order (the payment's status moves by conditional UPDATEs only), so a duplicated event never charges or
 * refunds twice. The pending payment itself is opened by placement (POST /internal/payments) before the order is
 * announced, so orders.order-placed is not one of them: inventory alone acts on it in the saga.
 *   inventory.stock-reserved             → authorize and capture: payment-succeeded or payment-failed
 *                                          (authorize only, when the order is held for fraud review)
 *   orders.order-approved                → the held order's payment captured (if authorized; else at stock-reserved)
 *   inventory.stock-reservation-failed,
 *   orders.order-failed,
 *   orders.order-cancelled               → void what was not charged, refund what was (payment-refunded)
 */
export const paymentsSubscriptions: EventSubscription<PaymentsSubscriptionDeps>[] = [
  subscribe(StockReserved, async (ctx, event, deps: PaymentsSubscriptionDeps) => {
    const result = await chargePayment(ctx, { orderId: event.data.orderId }, inTx(ctx, deps));
    // The stock was reserved before the payment was recorded (events of two producers, any order).
    if (result.outcome === 'no-payment') return 'retry';
    ctx.afterCommit(() => {
      logCharge(result, ctx.log);
      if (result.outcome === 'held-for-review') deps.metrics.heldForReview();
    });
    return undefined;
  }),
  subscribe(OrderApproved, async (ctx, event, deps: PaymentsSubscriptionDeps) => {
    const result = await captureApprovedPayment(ctx, { orderId: event.data.orderId }, inTx(ctx, deps));
    if (result.outcome === 'no-payment') return 'retry';
    ctx.afterCommit(() => {
      logCharge(result, ctx.log);
      if (result.outcome === 'captured') deps.metrics.capturedAfterApproval();
    });
    return undefined;
  }),
  settle(StockReservationFailed, 'stock-reservation-failed'),
  settle(OrderFailed, 'order-failed'),
  settle(OrderCancelled, 'order-cancelled'),
];
