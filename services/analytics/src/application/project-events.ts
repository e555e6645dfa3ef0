import type { Money, OrderLine } from '@shop/contracts';
import type { HandlerContext } from '@shop/kit';
import {
  type Applied,
  customerRegistered,
  type FailureReason,
  type OrderFact,
  orderCancelled,
  orderFailed,
  orderHeld,
  orderPaid,
  orderPlaced,
  paymentRefunded,
} from '../domain/order-fact';
import type { AnalyticsStore } from './ports';

export type OrderEvent =
  | { kind: 'placed'; orderId: string; at: Date; total: Money; lines: OrderLine[] }
  | { kind: 'held'; orderId: string; at: Date }
  | { kind: 'paid'; orderId: string; at: Date; total?: Money }
  | { kind: 'failed'; orderId: string; at: Date; reason: FailureReason }
  | { kind: 'cancelled'; orderId: string; at: Date };

function applyTo(fact: OrderFact, event: OrderEvent): Applied {
  switch (event.kind) {
    case 'placed':
      return orderPlaced(fact, event);
    case 'held':
      return orderHeld(fact, event);
    case 'paid':
      return orderPaid(fact, { at: event.at, ...(event.total ? { total: event.total } : {}) });
    case 'failed':
      return orderFailed(fact, event);
    case 'cancelled':
      return orderCancelled(fact, event);
  }
}

/**
 * Projects one order event: the order's fact decides what the event adds (nothing if its step was already
 * counted), in any order of arrival; the counters and the fact change in the event's transaction.
 */
export async function recordOrderEvent(
  _ctx: HandlerContext,
  event: OrderEvent,
  deps: { store: AnalyticsStore },
): Promise<void> {
  const fact = await deps.store.orderFact(event.orderId);
  const applied = applyTo(fact, event);
  if (applied.effects.length === 0) return;
  await deps.store.apply(applied.effects);
  await deps.store.saveOrderFact(applied.fact);
}

export async function recordRefund(
  _ctx: HandlerContext,
  refund: { at: Date; amount: Money },
  deps: { store: AnalyticsStore },
): Promise<void> {
  await deps.store.apply([paymentRefunded(refund)]);
}

export async function recordRegistration(
  _ctx: HandlerContext,
  registration: { at: Date },
  deps: { store: AnalyticsStore },
): Promise<void> {
  await deps.store.apply([customerRegistered(registration.at)]);
}

export async function recordProductName(
  _ctx: HandlerContext,
  product: { productId: string; name: string; at: Date; version?: number },
  deps: { store: AnalyticsStore },
): Promise<void> {
  await deps.store.nameProduct(product);
}

export async function recordStock(
  _ctx: HandlerContext,
  stock: { productId: string; available: number; version: number },
  deps: { store: AnalyticsStore },
): Promise<void> {
  await deps.store.stockProduct(stock);
}
