import { ProductCreated, ProductDeleted, ProductUpdated, StockChanged } from '@shop/contracts';
import { type EventContext, type EventSubscription, subscribe } from '@shop/kit';
import type { ProductProjection } from '../application/ports';
import type { ProjectedProduct } from '../domain/product-projection';

export interface CartSubscriptionDeps {
  projection: ProductProjection;
}

const factsOf = (product: Omit<ProjectedProduct, 'updatedAt'>, updatedAt: string): ProjectedProduct => ({
  productId: product.productId,
  sku: product.sku,
  name: product.name,
  price: product.price,
  status: product.status,
  updatedAt,
  ...(product.version === undefined ? {} : { version: product.version }),
});

/**
 * The cart's projection of prices and availability, kept from the catalog's and inventory's events. The cart
 * keeps no database, so no inbox (statelessIntake): each entry keeps the newest of what it has and what comes
 * (the catalog's versions, or instants for events older than versions; inventory's versions), which makes a redelivery or a late older event change nothing.
 */
export const cartSubscriptions: EventSubscription<CartSubscriptionDeps, EventContext>[] = [
  subscribe(ProductCreated, (_ctx, event, deps: CartSubscriptionDeps) =>
    deps.projection.applyProduct({ kind: 'facts', product: factsOf(event.data, event.data.createdAt) }),
  ),
  subscribe(ProductUpdated, (_ctx, event, deps: CartSubscriptionDeps) =>
    deps.projection.applyProduct({ kind: 'facts', product: factsOf(event.data, event.data.updatedAt) }),
  ),
  subscribe(ProductDeleted, (_ctx, event, deps: CartSubscriptionDeps) =>
    deps.projection.applyProduct({
      kind: 'archived',
      productId: event.data.productId,
      archivedAt: event.data.deletedAt,
      ...(event.data.version === undefined ? {} : { version: event.data.version }),
    }),
  ),
  subscribe(StockChanged, (_ctx, event, deps: CartSubscriptionDeps) =>
    deps.projection.applyStock({
      productId: event.data.productId,
      available: event.data.available,
      version: event.data.version,
    }),
  ),
];
