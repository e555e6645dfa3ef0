import { PaymentFailed, PaymentSucceeded, StockReleased, StockReservationFailed } from '@shop/contracts';
import { type EventSubscription, type InboxEventContext, subscribe, type Tx } from '@shop/kit';
import type { OrdersDeps, OrdersStore } from '../application/ports';
import { applySagaStep } from '../application/saga-steps';

export interface OrdersSubscriptionDeps {
  orders: Pick<OrdersDeps, 'clock'>;
  /** The orders store inside the transaction the kit's inbox opened for the event. */
  storeOf(tx: Tx): OrdersStore;
}

/** The saga step's deps: the clock, and the store inside the event's transaction. */
const inTx = (ctx: InboxEventContext, deps: OrdersSubscriptionDeps) => ({
  ...deps.orders,
  store: deps.storeOf(ctx.tx),
});

/** The saga's inbound side: which events move an order, and where to; each move allowed only by the state machine. */
export const ordersSubscriptions: EventSubscription<OrdersSubscriptionDeps>[] = [
  subscribe(StockReservationFailed, async (ctx, event, deps: OrdersSubscriptionDeps) => {
    await applySagaStep(
      ctx,
      { orderId: event.data.orderId, step: { to: 'Failed', failureReason: 'OutOfStock' } },
      inTx(ctx, deps),
    );
  }),
  subscribe(PaymentSucceeded, async (ctx, event, deps: OrdersSubscriptionDeps) => {
    await applySagaStep(ctx, { orderId: event.data.orderId, step: { to: 'Paid' } }, inTx(ctx, deps));
  }),
  subscribe(PaymentFailed, async (ctx, event, deps: OrdersSubscriptionDeps) => {
    await applySagaStep(
      ctx,
      { orderId: event.data.orderId, step: { to: 'Failed', failureReason: 'PaymentDeclined' } },
      inTx(ctx, deps),
    );
  }),
  subscribe(StockReleased, async (ctx, event, deps: OrdersSubscriptionDeps) => {
    // Only a reservation that ran out before the payment came through fails the order: it cannot be fulfilled as
    // placed. Other releases follow the order's own failure or cancellation.
    if (event.data.reason !== 'expired') return;
    await applySagaStep(
      ctx,
      { orderId: event.data.orderId, step: { to: 'Failed', failureReason: 'ReservationExpired' } },
      inTx(ctx, deps),
    );
  }),
];
