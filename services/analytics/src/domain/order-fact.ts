import type { Money, OrderLine } from '@shop/contracts';
import { dayOf, hourOf } from './time-buckets';

export type FailureReason = 'OutOfStock' | 'PaymentDeclined' | 'ReservationExpired' | 'FraudSuspected';
export type ActivityField = 'placed' | 'held' | 'paid' | 'cancelled' | 'registered' | `failed${FailureReason}`;

/** What the read model knows of one order, whatever order its events came in. */
export interface OrderFact {
  orderId: string;
  placedAt: Date | null;
  /** When it was held for fraud review (first time only: a held order counts as held once). */
  heldAt: Date | null;
  paidAt: Date | null;
  failedAt: Date | null;
  cancelledAt: Date | null;
  total: Money | null;
  lines: OrderLine[] | null;
  /** The paid total is in the revenue figures. */
  revenueCounted: boolean;
  /** The lines are in the units sold, on the day the order was paid. */
  unitsCounted: boolean;
}

/** A change to the figures: added to the counters in the transaction of the event. */
export type Effect =
  | { kind: 'activity'; hour: number; field: ActivityField; by: number }
  | { kind: 'revenue'; hour: number; currency: string; paidOrders: number; paidMinor: number; refundedMinor: number }
  | { kind: 'units'; day: number; productId: string; currency: string; quantity: number; revenueMinor: number };

export interface Applied {
  fact: OrderFact;
  effects: Effect[];
}

export const newOrderFact = (orderId: string): OrderFact => ({
  orderId,
  placedAt: null,
  heldAt: null,
  paidAt: null,
  failedAt: null,
  cancelledAt: null,
  total: null,
  lines: null,
  revenueCounted: false,
  unitsCounted: false,
});

const activity = (at: Date, field: ActivityField): Effect => ({ kind: 'activity', hour: hourOf(at), field, by: 1 });

function unitsOf(lines: OrderLine[], at: Date, sign: 1 | -1): Effect[] {
  return lines.map((line) => ({
    kind: 'units',
    day: dayOf(at),
    productId: line.productId,
    currency: line.unitPrice.currency,
    quantity: sign * line.quantity,
    revenueMinor: sign * line.quantity * line.unitPrice.amount,
  }));
}

/**
 * Counts what a paid order owes the figures as soon as the facts for it are known: its total once a total is
 * known (from the paid event or the placed one, whichever came), its units once its lines are, unless it was
 * cancelled meanwhile. Both at the time it was paid, so late events land where they belong.
 */
function settlePaid(fact: OrderFact): Applied {
  const effects: Effect[] = [];
  let next = fact;
  if (!fact.paidAt) return { fact, effects };
  if (!fact.revenueCounted && fact.total) {
    effects.push({
      kind: 'revenue',
      hour: hourOf(fact.paidAt),
      currency: fact.total.currency,
      paidOrders: 1,
      paidMinor: fact.total.amount,
      refundedMinor: 0,
    });
    next = { ...next, revenueCounted: true };
  }
  if (!fact.unitsCounted && fact.lines && !fact.cancelledAt) {
    effects.push(...unitsOf(fact.lines, fact.paidAt, 1));
    next = { ...next, unitsCounted: true };
  }
  return { fact: next, effects };
}

export function orderPlaced(fact: OrderFact, placed: { at: Date; total: Money; lines: OrderLine[] }): Applied {
  if (fact.placedAt) return { fact, effects: [] };
  const known = { ...fact, placedAt: placed.at, total: fact.total ?? placed.total, lines: placed.lines };
  const settled = settlePaid(known);
  return { fact: settled.fact, effects: [activity(placed.at, 'placed'), ...settled.effects] };
}

/**
 * Held for fraud review counts once per order, at the time it was held, whatever happens to it next (approved or
 * rejected): the figure says how many orders the review stopped in the range, as placed says how many came in.
 */
export function orderHeld(fact: OrderFact, held: { at: Date }): Applied {
  if (fact.heldAt) return { fact, effects: [] };
  return { fact: { ...fact, heldAt: held.at }, effects: [activity(held.at, 'held')] };
}

/** Paid counts once per order; revenue counts the order's total (the event's, else the placed order's). */
export function orderPaid(fact: OrderFact, paid: { at: Date; total?: Money }): Applied {
  if (fact.paidAt) return { fact, effects: [] };
  const known = { ...fact, paidAt: paid.at, total: paid.total ?? fact.total };
  const settled = settlePaid(known);
  return { fact: settled.fact, effects: [activity(paid.at, 'paid'), ...settled.effects] };
}

export function orderFailed(fact: OrderFact, failed: { at: Date; reason: FailureReason }): Applied {
  if (fact.failedAt) return { fact, effects: [] };
  return { fact: { ...fact, failedAt: failed.at }, effects: [activity(failed.at, `failed${failed.reason}`)] };
}

/**
 * A cancelled order counts as cancelled; if it was paid its units are taken back off the day it was paid (they
 * were not sold after all). Its revenue is taken back by the refund, which payments announces on its own.
 */
export function orderCancelled(fact: OrderFact, cancelled: { at: Date }): Applied {
  if (fact.cancelledAt) return { fact, effects: [] };
  const effects: Effect[] = [activity(cancelled.at, 'cancelled')];
  if (fact.unitsCounted && fact.lines && fact.paidAt) effects.push(...unitsOf(fact.lines, fact.paidAt, -1));
  return { fact: { ...fact, cancelledAt: cancelled.at, unitsCounted: false }, effects };
}

/** A refund lowers revenue in its currency in the hour it was made; it needs nothing else of the order. */
export function paymentRefunded(refund: { at: Date; amount: Money }): Effect {
  return {
    kind: 'revenue',
    hour: hourOf(refund.at),
    currency: refund.amount.currency,
    paidOrders: 0,
    paidMinor: 0,
    refundedMinor: refund.amount.amount,
  };
}

export function customerRegistered(at: Date): Effect {
  return activity(at, 'registered');
}
