import type { Money } from '@shop/contracts';
import { averageMinor, MoneyTotals } from './money-totals';
import type { FailureReason } from './order-fact';

/** Money of paid orders and refunds in one currency, in integer minor units. */
export interface RevenueCounts {
  currency: string;
  paidOrders: number;
  paidMinor: number;
  refundedMinor: number;
}

/** Revenue: the totals of paid orders minus what was refunded, per currency. */
export function netRevenue(rows: RevenueCounts[]): Money[] {
  const totals = new MoneyTotals();
  for (const row of rows) totals.add(row.currency, row.paidMinor - row.refundedMinor);
  return totals.toList();
}

/**
 * Average order value per currency: the paid orders' totals over their number (refunds lower revenue, not what
 * an order was worth when paid); a currency with no paid order has no average.
 */
export function averageOrderValue(rows: RevenueCounts[]): Money[] {
  const paid = new MoneyTotals();
  const orders = new MoneyTotals();
  for (const row of rows) {
    paid.add(row.currency, row.paidMinor);
    orders.add(row.currency, row.paidOrders);
  }
  return orders
    .currencies()
    .filter((currency) => orders.amountOf(currency) > 0)
    .map((currency) => ({ currency, amount: averageMinor(paid.amountOf(currency), orders.amountOf(currency)) }));
}

export const failureReasons: FailureReason[] = [
  'OutOfStock',
  'PaymentDeclined',
  'ReservationExpired',
  'FraudSuspected',
];
