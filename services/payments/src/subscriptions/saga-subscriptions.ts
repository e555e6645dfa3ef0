import { type OrderPlaced, topics } from '@shop/contracts';
import type { Logger, Subscription } from '@shop/kit';
import Joi from 'joi';
import type { DataSource } from 'typeorm';
import { type ChargeResult, chargePayment } from '../application/charge-payment';
import type { PaymentsDeps } from '../application/ports';
import { recordPendingPayment } from '../application/record-pending-payment';
import { type OrderEnding, type SettleResult, settleEndedOrder } from '../application/settle-ended-order';
import { paymentsLimits } from '../domain/limits';
import { paymentStoreOf } from '../infrastructure/typeorm-payment-store';
import { consumeOnce } from './consume-once';

const id = Joi.string().min(1).max(paymentsLimits.idLength);

const orderPlaced = Joi.object<Pick<OrderPlaced, 'orderId' | 'customerId' | 'total' | 'paymentMethodId'>>({
  orderId: id.required(),
  customerId: id.required(),
  total: Joi.object({
    amount: Joi.number().integer().min(0).max(Number.MAX_SAFE_INTEGER).required(),
    currency: Joi.string()
      .pattern(/^[A-Z]{3}$/)
      .required(),
  }).required(),
  paymentMethodId: Joi.string().min(1).max(paymentsLimits.paymentMethodIdLength).required(),
});

const aboutAnOrder = Joi.object<{ orderId: string }>({ orderId: id.required() });

const notPlacedYet = (result: { outcome: string }) => result.outcome === 'no-payment';

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

/**
 * The payment steps of the order saga. Each is idempotent twice over: on the event id (the inbox, one
 * consumer name per step) and on the order (the payment's status moves by conditional UPDATEs only), so a
 * duplicated event never charges or refunds twice.
 *   orders.order-placed                  → a pending payment
 *   inventory.stock-reserved             → authorize and capture: payment-succeeded or payment-failed
 *   inventory.stock-reservation-failed,
 *   orders.order-failed,
 *   orders.order-cancelled               → void what was not charged, refund what was (payment-refunded)
 */
export function sagaSubscriptions(db: DataSource, deps: PaymentsDeps, log: Logger): Subscription[] {
  const settle = (topic: string, consumer: string, ending: OrderEnding): Subscription => ({
    topic,
    handle: (event) =>
      consumeOnce(event, {
        db,
        log,
        consumer,
        schema: aboutAnOrder,
        effect: (tx, data) => settleEndedOrder(paymentStoreOf(tx), { orderId: data.orderId, ending }, deps),
        isEarly: notPlacedYet,
        onApplied: logSettlement,
      }),
  });

  return [
    {
      topic: topics.orderPlaced,
      handle: (event) =>
        consumeOnce(event, {
          db,
          log,
          consumer: 'payments.on-order-placed',
          schema: orderPlaced,
          effect: (tx, data) => recordPendingPayment(paymentStoreOf(tx), data, deps),
          isEarly: () => false,
        }),
    },
    {
      topic: topics.stockReserved,
      handle: (event) =>
        consumeOnce(event, {
          db,
          log,
          consumer: 'payments.on-stock-reserved',
          schema: aboutAnOrder,
          effect: (tx, data) => chargePayment(paymentStoreOf(tx), { orderId: data.orderId }, deps),
          isEarly: notPlacedYet,
          onApplied: logCharge,
        }),
    },
    settle(topics.stockReservationFailed, 'payments.on-stock-reservation-failed', 'stock-reservation-failed'),
    settle(topics.orderFailed, 'payments.on-order-failed', 'order-failed'),
    settle(topics.orderCancelled, 'payments.on-order-cancelled', 'order-cancelled'),
  ];
}
