import type { DemandModel } from '../domain/demand';
import type { RevenueCounts } from '../domain/figures';
import type { ActivityField, Effect, OrderFact } from '../domain/order-fact';
import type { BucketRange } from '../domain/time-buckets';

/** What the event projections write, inside the transaction of the event's inbox record. */
export interface AnalyticsStore {
  /** The order's fact (a new one when none was kept), locked until the transaction ends. */
  orderFact(orderId: string): Promise<OrderFact>;
  saveOrderFact(fact: OrderFact): Promise<void>;
  /** Adds each effect to its counter (creating the counter's row at zero first). */
  apply(effects: Effect[]): Promise<void>;
  /**
   * Keeps the product's name if this change is later than the one kept: by the catalog's `version` when both have
   * one, else by `at` (isNewerProductChange).
   */
  nameProduct(product: { productId: string; name: string; at: Date; version?: number }): Promise<void>;
  /** Keeps the product's available stock if `version` is newer than the one kept. */
  stockProduct(product: { productId: string; available: number; version: number }): Promise<void>;
}

export type { RevenueCounts };

export type ActivityCounts = Record<ActivityField, number>;

export interface ProductSales {
  productId: string;
  name: string | null;
  currency: string;
  quantity: number;
  revenueMinor: number;
}

export interface StockedProduct {
  productId: string;
  name: string | null;
  available: number;
}

/** What the endpoints read, outside any transaction. Ranges are half-open, in bucket numbers. */
export interface AnalyticsReads {
  /** The counts summed over the hours. */
  activityTotals(hours: BucketRange): Promise<ActivityCounts>;
  /** Paid orders per bucket of `hoursPerBucket` hours (bucket = hour / hoursPerBucket); empty buckets absent. */
  paidPerBucket(hours: BucketRange, hoursPerBucket: number): Promise<Array<{ bucket: number; paid: number }>>;
  /** Money summed over the hours, per currency. */
  revenueTotals(hours: BucketRange): Promise<RevenueCounts[]>;
  /** Money per bucket and currency; empty buckets absent. */
  revenuePerBucket(hours: BucketRange, hoursPerBucket: number): Promise<Array<RevenueCounts & { bucket: number }>>;
  /** Units and revenue per product and currency over the days, most units first. */
  topProducts(days: BucketRange, limit: number): Promise<ProductSales[]>;
  stockedProducts(): Promise<StockedProduct[]>;
  /** Units sold per product and day over the days. */
  unitsPerDay(days: BucketRange): Promise<Array<{ productId: string; day: number; quantity: number }>>;
}

export type UnitOfWork = <T>(work: (store: AnalyticsStore) => Promise<T>) => Promise<T>;

export interface Clock {
  now(): Date;
}

export interface ReadDeps {
  reads: AnalyticsReads;
  clock: Clock;
  demand: DemandModel;
}
