import {
  type EventContract,
  OrderApproved,
  OrderCancelled,
  OrderDelivered,
  OrderFailed,
  OrderHeld,
  OrderPaid,
  OrderPlaced,
  OrderShipped,
  type OrderStatusEvent,
  StockChanged,
} from '@shop/contracts';
import { type EventContext, type EventSubscription, subscribe } from '@shop/kit';
import type { CustomerOrderChange, OrderStep } from '../hubs/order-status-feed';

/**
 * Where an event goes: to every hub replica (this one included) through the backplane, each of which sends it
 * to its own connections. A failure to share is retried by the mesh.
 */
export interface HubSubscriptionDeps {
  shareStock(change: StockChanged): Promise<void>;
  shareOrderChange(change: CustomerOrderChange): Promise<void>;
}

const statusChange = (contract: EventContract<OrderStatusEvent>, step: OrderStep) =>
  subscribe<OrderStatusEvent, HubSubscriptionDeps, EventContext>(contract, async (_ctx, event, deps) => {
    const { orderId, customerId, status, at, failureReason } = event.data;
    await deps.shareOrderChange({
      customerId,
      step,
      change: { orderId, status, at, ...(failureReason ? { failureReason } : {}) },
    });
  });

/**
 * The hub's feeds: stock changes for the inventory hub, a customer's order statuses for the orders hub. The hub
 * keeps no database, so no inbox: the feeds send each product's versions and each order's statuses in order and
 * once, which makes a redelivery change nothing.
 */
export const hubSubscriptions: EventSubscription<HubSubscriptionDeps, EventContext>[] = [
  subscribe(StockChanged, (_ctx, event, deps: HubSubscriptionDeps) => deps.shareStock(event.data)),
  subscribe(OrderPlaced, async (_ctx, event, deps: HubSubscriptionDeps) => {
    const { orderId, customerId, placedAt } = event.data;
    await deps.shareOrderChange({ customerId, step: 'placed', change: { orderId, status: 'Pending', at: placedAt } });
  }),
  // OnHold while the order waits for a fraud review, and Pending again once an admin approved it.
  statusChange(OrderHeld, 'held'),
  statusChange(OrderApproved, 'approved'),
  statusChange(OrderPaid, 'paid'),
  statusChange(OrderFailed, 'failed'),
  statusChange(OrderCancelled, 'cancelled'),
  statusChange(OrderShipped, 'shipped'),
  statusChange(OrderDelivered, 'delivered'),
];
