import type { Money, OrderStatus } from './api';

const formats = new Map<string, Intl.NumberFormat>();

/** Minor units in the currency's own notation: `{1999, EUR}` → €19.99. */
export function formatMoney(money: Money): string {
  let format = formats.get(money.currency);
  if (!format) {
    format = new Intl.NumberFormat(undefined, { style: 'currency', currency: money.currency });
    formats.set(money.currency, format);
  }
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(money.amount / 10 ** digits);
}

export function formatTime(iso: string): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : at.toLocaleString();
}

/** What each order status means to the shopper. */
export const statusWords: Record<OrderStatus, string> = {
  Pending: 'Being processed',
  OnHold: 'On hold for review',
  Paid: 'Paid',
  Shipped: 'Shipped',
  Delivered: 'Delivered',
  Failed: 'Failed',
  Cancelled: 'Cancelled',
};

const failureWords: Record<string, string> = {
  PaymentDeclined: 'Your card was declined. No money was taken; try another card.',
  OutOfStock: 'Some items sold out before your order could be reserved.',
  ReservationExpired: 'The items were held too long and were released.',
  FraudSuspected: 'The order could not be accepted after review.',
};

export function failureText(reason: string | undefined): string {
  return (reason && failureWords[reason]) ?? 'The order could not be completed.';
}

/** The stock's class: `stock`, with `low` when few are left and `sold-out` when none. */
export function stockClass(available: number): string {
  if (available <= 0) return 'stock sold-out';
  return available <= 5 ? 'stock low' : 'stock';
}

export function stockText(available: number): string {
  if (available <= 0) return 'Sold out';
  if (available <= 5) return `Only ${available} left`;
  return `In stock: ${available}`;
}
