import {
  type EventContract,
  type Money,
  newEvent,
  OrderCancelled,
  OrderDelivered,
  OrderFailed,
  OrderHeld,
  OrderPaid,
  OrderPlaced,
  OrderShipped,
  type OrderStatusEvent,
  type OutgoingEvent,
  type PaidLine,
} from '@shop/contracts';
import type { Order, OrderStatus } from '../domain/order';

const statusContracts: Record<Exclude<OrderStatus, 'Pending'>, EventContract<OrderStatusEvent>> = {
  OnHold: OrderHeld,
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

/** The paid order's products with their quantities, one entry per product (recommendations learn from them). */
function paidLines(order: Order): PaidLine[] {
  const quantities = new Map<string, number>();
  for (const { productId, quantity } of order.items) {
    quantities.set(productId, (quantities.get(productId) ?? 0) + quantity);
  }
  return [...quantities].map(([productId, quantity]) => ({ productId, quantity }));
}

/**
 * The event of a status change, on the status's own topic (inventory, payments, the hub and notifications
 * listen). `refund` is what goes back to the card of a cancelled order that was paid.
 */
export function statusChanged(order: Order, details: { refund?: Money } = {}): OutgoingEvent<OrderStatusEvent> {
  if (order.status === 'Pending') throw new Error('a new order is announced by orderPlaced, not a status change');
  return newEvent(
    statusContracts[order.status],
    {
      orderId: order.id,
      customerId: order.customerId,
      status: order.status,
      at: order.updatedAt.toISOString(),
      ...(order.failureReason ? { failureReason: order.failureReason } : {}),
      total: order.total,
      ...(/^\d{4}$/.test(order.cardLast4) ? { cardLast4: order.cardLast4 } : {}),
      ...(order.status === 'Shipped' && order.trackingNumber ? { trackingNumber: order.trackingNumber } : {}),
      ...(details.refund ? { refund: details.refund } : {}),
      ...(order.status === 'Paid' ? { items: paidLines(order) } : {}),
    },
    order.updatedAt,
  );
}
