import {
  CustomerRegistered,
  OrderCancelled,
  OrderFailed,
  OrderHeld,
  OrderPaid,
  OrderPlaced,
  type OrderStatusEvent,
  PaymentRefunded,
  ProductCreated,
  ProductUpdated,
  StockChanged,
} from '@shop/contracts';
import { type InboxEventContext, subscribe, type Tx } from '@shop/kit';
import type { AnalyticsStore } from '../application/ports';
import {
  recordOrderEvent,
  recordProductName,
  recordRefund,
  recordRegistration,
  recordStock,
} from '../application/project-events';

export interface SubscriptionDeps {
  storeOf: (tx: Tx) => AnalyticsStore;
  /** Told after each event's figures committed (the live push and the metrics). */
  projected: (eventType: string) => void;
}

/** Runs the projection in the event's transaction and reports it once that committed. */
/** The product's name as a catalog event states it, with the catalog's version when the event carries one. */
const nameOf = (data: { productId: string; name: string; version?: number }) => ({
  productId: data.productId,
  name: data.name,
  ...(data.version === undefined ? {} : { version: data.version }),
});

const projecting =
  <T>(project: (ctx: InboxEventContext, data: T, deps: { store: AnalyticsStore }) => Promise<void>) =>
  async (ctx: InboxEventContext, event: { type: string; data: T }, deps: SubscriptionDeps) => {
    await project(ctx, event.data, { store: deps.storeOf(ctx.tx) });
    ctx.afterCommit(() => deps.projected(event.type));
  };

/** Every event the read models are fed by, each counted once per event id (the kit's inbox). */
export const analyticsSubscriptions = [
  subscribe(
    OrderPlaced,
    projecting<OrderPlaced>((ctx, data, deps) =>
      recordOrderEvent(
        ctx,
        { kind: 'placed', orderId: data.orderId, at: new Date(data.placedAt), total: data.total, lines: data.items },
        deps,
      ),
    ),
  ),
  subscribe(
    OrderHeld,
    projecting<OrderStatusEvent>((ctx, data, deps) =>
      recordOrderEvent(ctx, { kind: 'held', orderId: data.orderId, at: new Date(data.at) }, deps),
    ),
  ),
  subscribe(
    OrderPaid,
    projecting<OrderStatusEvent>((ctx, data, deps) =>
      recordOrderEvent(
        ctx,
        { kind: 'paid', orderId: data.orderId, at: new Date(data.at), ...(data.total ? { total: data.total } : {}) },
        deps,
      ),
    ),
  ),
  subscribe(
    OrderFailed,
    projecting<OrderStatusEvent>((ctx, data, deps) =>
      recordOrderEvent(
        ctx,
        { kind: 'failed', orderId: data.orderId, at: new Date(data.at), reason: data.failureReason ?? 'OutOfStock' },
        deps,
      ),
    ),
  ),
  subscribe(
    OrderCancelled,
    projecting<OrderStatusEvent>((ctx, data, deps) =>
      recordOrderEvent(ctx, { kind: 'cancelled', orderId: data.orderId, at: new Date(data.at) }, deps),
    ),
  ),
  subscribe(
    PaymentRefunded,
    projecting<PaymentRefunded>((ctx, data, deps) =>
      recordRefund(ctx, { at: new Date(data.refundedAt), amount: data.amount }, deps),
    ),
  ),
  subscribe(
    CustomerRegistered,
    projecting<CustomerRegistered>((ctx, data, deps) =>
      recordRegistration(ctx, { at: new Date(data.registeredAt) }, deps),
    ),
  ),
  subscribe(
    ProductCreated,
    projecting<ProductCreated>(async (ctx, data, deps) => {
      await recordProductName(ctx, { ...nameOf(data), at: new Date(data.createdAt) }, deps);
    }),
  ),
  subscribe(
    ProductUpdated,
    projecting<ProductUpdated>((ctx, data, deps) =>
      recordProductName(ctx, { ...nameOf(data), at: new Date(data.updatedAt) }, deps),
    ),
  ),
  subscribe(
    StockChanged,
    projecting<StockChanged>((ctx, data, deps) =>
      recordStock(ctx, { productId: data.productId, available: data.available, version: data.version }, deps),
    ),
  ),
];
