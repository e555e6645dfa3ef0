import { PaymentFailed, PaymentSucceeded, StockReleased, StockReservationFailed } from '@shop/contracts';
import { type EventSubscription, subscribe, type Tx } from '@shop/kit';
import type { OrdersDeps, OrdersStore } from '../application/ports';
import { applySagaStep } from '../application/saga-steps';

export interface OrdersSubscriptionDeps {
  orders: Pick<OrdersDeps, 'clock'>;
  /** The orders store inside the transaction the kit's inbox opened for the event. */
  storeOf(tx: Tx): OrdersStore;
}

/** The saga's inbound side: which events move an order, and where to; each move allowed only by the state machine. */
export const ordersSubscriptions: EventSubscription<OrdersSubscriptionDeps>[] = [
  subscribe(StockReservationFailed, async (ctx, event, deps: OrdersSubscriptionDeps) => {
    await applySagaStep(
      deps.storeOf(ctx.tx),
      { to: 'Failed', failureReason: 'OutOfStock' },
      event.data.orderId,
      deps.orders,
    );
  }),
  subscribe(PaymentSucceeded, async (ctx, event, deps: OrdersSubscriptionDeps) => {
    await applySagaStep(deps.storeOf(ctx.tx), { to: 'Paid' }, event.data.orderId, deps.orders);
  }),
  subscribe(PaymentFailed, async (ctx, event, deps: OrdersSubscriptionDeps) => {
    await applySagaStep(
      deps.storeOf(ctx.tx),
      { to: 'Failed', failureReason: 'PaymentDeclined' },
      event.data.orderId,
      deps.orders,
    );
  }),
  subscribe(StockReleased, async (ctx, event, deps: OrdersSubscriptionDeps) => {
    // Only a reservation that ran out before the payment came through fails the order: it cannot be fulfilled as
    // placed. Other releases follow the order's own failure or cancellation.
    if (event.data.reason !== 'expired') return;
    await applySagaStep(
      deps.storeOf(ctx.tx),
      { to: 'Failed', failureReason: 'ReservationExpired' },
      event.data.orderId,
      deps.orders,
    );
  }),
];
