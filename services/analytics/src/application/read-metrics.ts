import type { Money } from '@shop/contracts';
import type { HandlerContext } from '@shop/kit';
import { bySoonestStockOut, dailyDemand, daysToStockOut, type StockOutlookLine } from '../domain/demand';
import { averageOrderValue, failureReasons, netRevenue } from '../domain/figures';
import type { FailureReason } from '../domain/order-fact';
import {
  bucketStarts,
  bucketsOverlapping,
  dayOf,
  hoursOverlapping,
  type Interval,
  intervalMs,
} from '../domain/time-buckets';
import type { ReadDeps, RevenueCounts } from './ports';

export interface Range {
  from: Date;
  to: Date;
}

export interface Summary {
  from: string;
  to: string;
  orders: {
    placed: number;
    /** Extension: orders held for fraud review in the range (OnHold), counted once each at the time held. */
    held: number;
    paid: number;
    failed: number;
    cancelled: number;
    /** Extension: `failed` by the order's failure reason. */
    failedByReason: Record<FailureReason, number>;
  };
  revenue: Money[];
  averageOrderValue: Money[];
  customers: { registered: number };
}

/** The figures of every hour that overlaps the range. */
export async function summaryOf(_ctx: HandlerContext, range: Range, deps: ReadDeps): Promise<Summary> {
  const hours = hoursOverlapping(range.from, range.to, 'hour');
  const [activity, revenue] = await Promise.all([deps.reads.activityTotals(hours), deps.reads.revenueTotals(hours)]);
  const failedByReason = Object.fromEntries(
    failureReasons.map((reason) => [reason, activity[`failed${reason}`]]),
  ) as Record<FailureReason, number>;
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    orders: {
      placed: activity.placed,
      held: activity.held,
      paid: activity.paid,
      failed: Object.values(failedByReason).reduce((n, count) => n + count, 0),
      cancelled: activity.cancelled,
      failedByReason,
    },
    revenue: netRevenue(revenue),
    averageOrderValue: averageOrderValue(revenue),
    customers: { registered: activity.registered },
  };
}

export interface SalesPoint {
  at: string;
  orders: number;
  revenue: Money[];
}

/** Paid orders and net revenue per hour or UTC day, one point per bucket of the range, empty ones as zeros. */
export async function salesSeries(
  _ctx: HandlerContext,
  query: Range & { interval: Interval },
  deps: ReadDeps,
): Promise<{ interval: Interval; points: SalesPoint[] }> {
  const { interval } = query;
  const buckets = bucketsOverlapping(query.from, query.to, interval);
  const hours = hoursOverlapping(query.from, query.to, interval);
  const hoursPerBucket = intervalMs[interval] / intervalMs.hour;
  const [paid, revenue] = await Promise.all([
    deps.reads.paidPerBucket(hours, hoursPerBucket),
    deps.reads.revenuePerBucket(hours, hoursPerBucket),
  ]);
  const orders = new Map(paid.map((row) => [row.bucket, row.paid]));
  const revenueRows = new Map<number, RevenueCounts[]>();
  for (const row of revenue) revenueRows.set(row.bucket, [...(revenueRows.get(row.bucket) ?? []), row]);
  const points = bucketStarts(buckets, interval).map((start, index) => {
    const bucket = buckets.first + index;
    return {
      at: start.toISOString(),
      orders: orders.get(bucket) ?? 0,
      revenue: netRevenue(revenueRows.get(bucket) ?? []),
    };
  });
  return { interval, points };
}

export interface TopProduct {
  productId: string;
  name: string;
  quantity: number;
  revenue: Money;
}

/** The products with the most units sold (paid, not cancelled) on the days overlapping the range. */
export async function topProducts(
  _ctx: HandlerContext,
  query: Range & { limit: number },
  deps: ReadDeps,
): Promise<TopProduct[]> {
  const rows = await deps.reads.topProducts(bucketsOverlapping(query.from, query.to, 'day'), query.limit);
  return rows.map((row) => ({
    productId: row.productId,
    name: row.name ?? row.productId,
    quantity: row.quantity,
    revenue: { amount: row.revenueMinor, currency: row.currency },
  }));
}

/** Every product with known stock, its daily demand and days to stock-out, soonest first. */
export async function stockOutlook(
  _ctx: HandlerContext,
  query: { limit: number },
  deps: ReadDeps,
): Promise<StockOutlookLine[]> {
  const today = dayOf(deps.clock.now());
  const [products, units] = await Promise.all([
    deps.reads.stockedProducts(),
    deps.reads.unitsPerDay({ first: today - deps.demand.windowDays + 1, end: today + 1 }),
  ]);
  const unitsByProduct = new Map<string, Map<number, number>>();
  for (const row of units) {
    const days = unitsByProduct.get(row.productId) ?? new Map<number, number>();
    days.set(row.day, (days.get(row.day) ?? 0) + row.quantity);
    unitsByProduct.set(row.productId, days);
  }
  return products
    .map((product) => {
      const demand = dailyDemand(unitsByProduct.get(product.productId) ?? new Map(), today, deps.demand);
      return {
        productId: product.productId,
        name: product.name ?? product.productId,
        available: product.available,
        dailyDemand: round(demand, 3),
        daysToStockOut: nullableRound(daysToStockOut(product.available, demand), 1),
      };
    })
    .sort(bySoonestStockOut)
    .slice(0, query.limit);
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
const nullableRound = (value: number | null, digits: number) => (value === null ? null : round(value, digits));
