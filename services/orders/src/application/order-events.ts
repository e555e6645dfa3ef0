import { randomUUID } from 'node:crypto';
import { type EventEnvelope, type OrderPlaced, type OrderStatusEvent, topics } from '@shop/contracts';
import type { Order, OrderStatus } from '../domain/order';

const statusTopics: Record<Exclude<OrderStatus, 'Pending'>, string> = {
  Paid: topics.orderPaid,
  Failed: topics.orderFailed,
  Cancelled: topics.orderCancelled,
  Shipped: topics.orderShipped,
  Delivered: topics.orderDelivered,
};

function envelope<T>(type: string, data: T, at: Date): EventEnvelope<T> {
  return { id: randomUUID(), type, occurredAt: at.toISOString(), data };
}

export function orderPlaced(order: Order): { topic: string; event: EventEnvelope<OrderPlaced> } {
  return {
    topic: topics.orderPlaced,
    event: envelope(
      topics.orderPlaced,
      {
        orderId: order.id,
        customerId: order.customerId,
        items: order.items,
        total: order.total,
        paymentMethodId: order.paymentMethodId,
        placedAt: order.createdAt.toISOString(),
      },
      order.createdAt,
    ),
  };
}

/** The event of a status change, on the status's own topic (inventory, payments and the hub listen). */
export function statusChanged(order: Order): { topic: string; event: EventEnvelope<OrderStatusEvent> } {
  if (order.status === 'Pending') throw new Error('a new order is announced by orderPlaced, not a status change');
  const topic = statusTopics[order.status];
  return {
    topic,
    event: envelope(
      topic,
      {
        orderId: order.id,
        customerId: order.customerId,
        status: order.status,
        at: order.updatedAt.toISOString(),
        ...(order.failureReason ? { failureReason: order.failureReason } : {}),
      },
      order.updatedAt,
    ),
  };
}
