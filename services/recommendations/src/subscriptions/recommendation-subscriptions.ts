import {
  OrderPaid,
  type OrderStatusEvent,
  ProductCreated,
  ProductDeleted,
  ProductUpdated,
  StockChanged,
} from '@shop/contracts';
import { type InboxEventContext, subscribe, type Tx } from '@shop/kit';
import { learnFromPaidOrder, type ModelSettings } from '../application/learn-from-order';
import type { LearningStore } from '../application/ports';
import { applyProductChange, type ProductChange, type ProjectionStore } from '../application/project-products';

export interface SubscriptionDeps {
  learningStoreOf: (tx: Tx) => LearningStore;
  projectionStoreOf: (tx: Tx) => ProjectionStore;
  settings: ModelSettings;
  /** Told after the commit: the products whose neighbours changed. */
  learnt: (productIds: string[]) => void;
  /** Told after the commit of a change to what recommendations show of a product. */
  productChanged: () => void;
}

const projecting =
  <T>(changeOf: (data: T) => ProductChange) =>
  async (ctx: InboxEventContext, event: { data: T }, deps: SubscriptionDeps) => {
    if (await applyProductChange(ctx, changeOf(event.data), { store: deps.projectionStoreOf(ctx.tx) })) {
      ctx.afterCommit(() => deps.productChanged());
    }
  };

const factsOf = (data: ProductCreated | ProductUpdated, at: string) => ({
  name: data.name,
  price: data.price,
  categoryId: data.categoryId,
  status: data.status,
  atMs: Date.parse(at),
  ...(data.version === undefined ? {} : { version: data.version }),
});

/** Paid orders teach the model; the catalog's and inventory's events keep the product projection. Once per event id. */
export const recommendationSubscriptions = [
  subscribe(OrderPaid, async (ctx: InboxEventContext, event: { data: OrderStatusEvent }, deps: SubscriptionDeps) => {
    const { customerId, items, at } = event.data;
    if (!items) {
      // Published before orders named the lines: there is nothing to learn from.
      ctx.log.warn('orders.order-paid without items: not learnt from');
      return;
    }
    const learnt = await learnFromPaidOrder(
      ctx,
      { customerId, items, at: new Date(at) },
      { store: deps.learningStoreOf(ctx.tx), settings: deps.settings },
    );
    ctx.afterCommit(() => deps.learnt(learnt));
  }),
  subscribe(
    ProductCreated,
    projecting<ProductCreated>((data) => ({
      kind: 'facts',
      productId: data.productId,
      facts: factsOf(data, data.createdAt),
      initialStock: data.initialStock,
    })),
  ),
  subscribe(
    ProductUpdated,
    projecting<ProductUpdated>((data) => ({
      kind: 'facts',
      productId: data.productId,
      facts: factsOf(data, data.updatedAt),
    })),
  ),
  subscribe(
    ProductDeleted,
    projecting<ProductDeleted>((data) => ({ kind: 'archived', productId: data.productId })),
  ),
  subscribe(
    StockChanged,
    projecting<StockChanged>((data) => ({
      kind: 'stock',
      productId: data.productId,
      available: data.available,
      version: data.version,
    })),
  ),
];
