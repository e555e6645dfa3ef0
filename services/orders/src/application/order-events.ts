import {
  type EventContract,
  newEvent,
  OrderCancelled,
  OrderDelivered,
  OrderFailed,
  OrderPaid,
  OrderPlaced,
  OrderShipped,
  type OrderStatusEvent,
  type OutgoingEvent,
} from '@shop/contracts';
import type { Order, OrderStatus } from '../domain/order';

const statusContracts: Record<Exclude<OrderStatus, 'Pending'>, EventContract<OrderStatusEvent>> = {
  Paid: OrderPaid,
  Failed: OrderFailed,
  Cancelled: OrderCancelled,
  Shipped: OrderShipped,
  Delivered: OrderDelivered,
};

export function orderPlaced(order: Order): OutgoingEvent<OrderPlaced> {
  return newEvent(
    OrderPlaced,
    {
      orderId: order.id,
      customerId: order.customerId,
      items: order.items.map(({ productId, quantity, unitPrice }) => ({ productId, quantity, unitPrice })),
      total: order.total,
      paymentMethodId: order.paymentMethodId,
      placedAt: order.createdAt.toISOString(),
    },
    order.createdAt,
  );
}

/** The event of a status change, on the status's own topic (inventory, payments and the hub listen). */
export function statusChanged(order: Order): OutgoingEvent<OrderStatusEvent> {
  if (order.status === 'Pending') throw new Error('a new order is announced by orderPlaced, not a status change');
  return newEvent(
    statusContracts[order.status],
    {
      orderId: order.id,
      customerId: order.customerId,
      status: order.status,
      at: order.updatedAt.toISOString(),
      ...(order.failureReason ? { failureReason: order.failureReason } : {}),
    },
    order.updatedAt,
  );
}
