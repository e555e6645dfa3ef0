import type { AssessmentRequest } from '@shop/contracts';
import type { OrderSignals } from './signals';
import { defaultWeights, type ScoringWeights } from './weights';

/**
 * A customer's paid orders in one currency, as running sums of the natural log of their amounts (and of its
 * square), in millionths: integers a database adds exactly, from which mean and spread follow.
 */
export interface AmountMoments {
  count: number;
  logMicrosSum: number;
  logSquareMicrosSum: number;
}

/** The shop's assessed orders in one currency, counted per amount bucket (amountBucket). */
export type AmountBuckets = ReadonlyArray<{ bucket: number; count: number }>;

/** What the fraud service knows before an order, read from its own tables (a few indexed queries). */
export interface OrderHistory {
  customerOrdersInWindow: number;
  cardOrdersInWindow: number;
  customerDeclinesInWindow: number;
  cardDeclinesInWindow: number;
  registeredAt: Date | null;
  /** Of the customer's paid orders in the order's currency; null when none. */
  paidAmounts: AmountMoments | null;
  /** Of the shop's assessed orders in the order's currency. */
  shopAmounts: AmountBuckets;
}

const micro = 1_000_000;
/** Buckets a quarter of a natural-log unit wide: ~28% apart, ~60 buckets from one cent to a million. */
const bucketsPerLogUnit = 4;
/** A customer who always pays the same is not infinitely surprised by a little more. */
const minimumLogSpread = 0.35;

const logAmount = (amount: number) => Math.log(Math.max(1, amount));

/** The moments one paid order adds. */
export function momentsOf(amount: number): AmountMoments {
  const log = logAmount(amount);
  return { count: 1, logMicrosSum: Math.round(log * micro), logSquareMicrosSum: Math.round(log * log * micro) };
}

/** The histogram bucket of an amount in the shop's distribution. */
export function amountBucket(amount: number): number {
  return Math.floor(logAmount(amount) * bucketsPerLogUnit);
}

/** How many spreads `amount` lies above the customer's mean log amount; null with too little history. */
export function amountZ(amount: number, moments: AmountMoments | null, minimumCount: number): number | null {
  if (!moments || moments.count < minimumCount) return null;
  const mean = moments.logMicrosSum / micro / moments.count;
  const variance = Math.max(0, moments.logSquareMicrosSum / micro / moments.count - mean * mean);
  return (logAmount(amount) - mean) / Math.max(minimumLogSpread, Math.sqrt(variance));
}

/** The share of the shop's orders below `amount` (half of its own bucket counted below); null with too few. */
export function shopPercentile(amount: number, buckets: AmountBuckets, minimumCount: number): number | null {
  const own = amountBucket(amount);
  let below = 0;
  let all = 0;
  for (const { bucket, count } of buckets) {
    all += count;
    if (bucket < own) below += count;
    else if (bucket === own) below += count / 2;
  }
  return all < minimumCount ? null : below / all;
}

/** The order's signals from the order and its history: a pure function, so the benchmark measures it as it runs. */
export function signalsOf(
  order: AssessmentRequest,
  history: OrderHistory,
  weights: ScoringWeights = defaultWeights,
): OrderSignals {
  const placedAt = Date.parse(order.placedAt);
  return {
    total: order.total,
    units: order.items.reduce((units, line) => units + line.quantity, 0),
    customerOrdersInWindow: history.customerOrdersInWindow,
    cardOrdersInWindow: history.cardOrdersInWindow,
    customerDeclinesInWindow: history.customerDeclinesInWindow,
    cardDeclinesInWindow: history.cardDeclinesInWindow,
    accountAgeMinutes: history.registeredAt ? Math.max(0, (placedAt - history.registeredAt.getTime()) / 60_000) : null,
    amountZForCustomer: amountZ(order.total.amount, history.paidAmounts, weights.customerHistoryMinimum),
    shopAmountPercentile: shopPercentile(order.total.amount, history.shopAmounts, weights.shopHistoryMinimum),
    countryMismatch: order.card.country === undefined ? null : order.card.country !== order.shippingCountry,
  };
}
