import type { DemandModel } from '../domain/demand';
import type { ActivityField, Effect, OrderFact } from '../domain/order-fact';
import type { BucketRange } from '../domain/time-buckets';

/** What the event projections write, inside the transaction of the event's inbox record. */
export interface AnalyticsStore {
  orderFact(orderId: string): Promise<OrderFact | null>;
  saveOrderFact(fact: OrderFact): Promise<void>;
  /** Adds each effect to its counter (creating the counter's row at zero first). */
  apply(effects: Effect[]): Promise<void>;
  /** Keeps the product's name if `at` is not older than the one kept. */
  nameProduct(product: { productId: string; name: string; at: Date }): Promise<void>;
  /** Keeps the product's available stock if `version` is newer than the one kept. */
  stockProduct(product: { productId: string; available: number; version: number }): Promise<void>;
}

export type ActivityCounts = Record<ActivityField, number>;

export interface ActivityHour extends ActivityCounts {
  hour: number;
}

export interface RevenueHour {
  hour: number;
  currency: string;
  paidOrders: number;
  paidMinor: number;
  refundedMinor: number;
}

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
  activity(hours: BucketRange): Promise<ActivityHour[]>;
  revenue(hours: BucketRange): Promise<RevenueHour[]>;
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
