import {
  type EventContract,
  OrderCancelled,
  OrderFailed,
  OrderPlaced,
  StockReservationFailed,
  StockReserved,
} from '@shop/contracts';
import { type EventSubscription, type InboxEventContext, type Logger, subscribe, type Tx } from '@shop/kit';
import { type ChargeResult, chargePayment } from '../application/charge-payment';
import type { InTransaction, PaymentStore, PaymentsDeps } from '../application/ports';
import { recordPendingPayment } from '../application/record-pending-payment';
import { type OrderEnding, type SettleResult, settleEndedOrder } from '../application/settle-ended-order';

export interface PaymentsSubscriptionDeps {
  payments: PaymentsDeps;
  /** The payment store inside the transaction the kit's inbox opened for the event. */
  storeOf(tx: Tx): PaymentStore;
}

// Money moved (or was refused): one line each, with ids and reasons, never card data.
function logCharge(result: ChargeResult, log: Logger): void {
  if (result.outcome === 'captured') log.info({ paymentId: result.payment.id }, 'payment captured');
  else if (result.outcome === 'declined') log.info({ reason: result.reason }, 'payment declined');
  else log.debug({ outcome: result.outcome }, 'stock-reserved changed nothing');
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

/** Settles the order's payment when the order ends; before its order-placed arrived, asks for redelivery. */
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
 * refunds twice.
 *   orders.order-placed                  → a pending payment
 *   inventory.stock-reserved             → authorize and capture: payment-succeeded or payment-failed
 *   inventory.stock-reservation-failed,
 *   orders.order-failed,
 *   orders.order-cancelled               → void what was not charged, refund what was (payment-refunded)
 */
export const paymentsSubscriptions: EventSubscription<PaymentsSubscriptionDeps>[] = [
  subscribe(OrderPlaced, async (ctx, event, deps: PaymentsSubscriptionDeps) => {
    const { orderId, customerId, total, paymentMethodId } = event.data;
    await recordPendingPayment(ctx, { orderId, customerId, total, paymentMethodId }, inTx(ctx, deps));
  }),
  subscribe(StockReserved, async (ctx, event, deps: PaymentsSubscriptionDeps) => {
    const result = await chargePayment(ctx, { orderId: event.data.orderId }, inTx(ctx, deps));
    // The stock was reserved before the payment was recorded (events of two producers, any order).
    if (result.outcome === 'no-payment') return 'retry';
    ctx.afterCommit(() => logCharge(result, ctx.log));
    return undefined;
  }),
  settle(StockReservationFailed, 'stock-reservation-failed'),
  settle(OrderFailed, 'order-failed'),
  settle(OrderCancelled, 'order-cancelled'),
];
