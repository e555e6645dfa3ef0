import { CustomerRegistered, OrderPaid, PaymentFailed } from '@shop/contracts';
import { type EventSubscription, subscribe, type Tx } from '@shop/kit';
import { recordDecline, recordPaidOrder, recordRegistration } from '../application/learn-from-events';
import type { FraudStore } from '../application/ports';

export interface FraudSubscriptionDeps {
  /** The store inside the transaction the kit's inbox opened for the event. */
  storeOf(tx: Tx): FraudStore;
  /** Told of a decline whose order was never assessed (after commit). */
  unmappedDecline(): void;
}

/**
 * What the scorer learns from the other contexts, each event once (the kit's inbox):
 *   customers.customer-registered → the account's age
 *   orders.order-paid             → the customer's usual amounts
 *   payments.payment-failed       → a decline for the order's customer and card
 */
export const fraudSubscriptions: EventSubscription<FraudSubscriptionDeps>[] = [
  subscribe(CustomerRegistered, async (ctx, event, deps: FraudSubscriptionDeps) => {
    const { customerId, registeredAt } = event.data;
    await recordRegistration(
      ctx,
      { customerId, registeredAt: new Date(registeredAt) },
      { store: deps.storeOf(ctx.tx) },
    );
  }),
  subscribe(OrderPaid, async (ctx, event, deps: FraudSubscriptionDeps) => {
    const { orderId, customerId, total } = event.data;
    const outcome = await recordPaidOrder(
      ctx,
      { orderId, customerId, ...(total ? { total } : {}) },
      { store: deps.storeOf(ctx.tx) },
    );
    if (outcome === 'no-amount') ctx.log.debug('a paid order without a total or an assessment teaches nothing');
  }),
  subscribe(PaymentFailed, async (ctx, event, deps: FraudSubscriptionDeps) => {
    const { orderId, failedAt } = event.data;
    const outcome = await recordDecline(
      ctx,
      { orderId, failedAt: new Date(failedAt) },
      { store: deps.storeOf(ctx.tx) },
    );
    if (outcome === 'unknown-order') {
      ctx.afterCommit(() => deps.unmappedDecline());
      ctx.log.info('a decline of an order never assessed is ignored');
    }
  }),
];
