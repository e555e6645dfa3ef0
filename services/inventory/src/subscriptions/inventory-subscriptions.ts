import {
  OrderCancelled,
  OrderFailed,
  OrderHeld,
  OrderPaid,
  OrderPlaced,
  type OrderStatusEvent,
  ProductCreated,
  ProductDeleted,
} from '@shop/contracts';
import { type EventSubscription, subscribe } from '@shop/kit';
import { commitReservation } from '../application/commit-reservation';
import type { InventoryDeps } from '../application/inventory-deps';
import { keepReservationForReview } from '../application/keep-for-review';
import { discontinueStockItem, openStockItem } from '../application/open-stock-item';
import { releaseReservation } from '../application/release-reservation';
import { reserveStock } from '../application/reserve-stock';
import type { ReleaseReason } from '../domain/reservation';
import { maxOnHand } from '../domain/stock-levels';
import { inventoryTx } from '../infrastructure/typeorm-stock-store';

export interface InventorySubscriptionDeps {
  inventory: InventoryDeps;
  reservationTtlSeconds: number;
}

const release = (contract: typeof OrderFailed, reason: ReleaseReason) =>
  subscribe<OrderStatusEvent, InventorySubscriptionDeps>(contract, async (ctx, event, deps) => {
    await releaseReservation(
      ctx,
      { orderId: event.data.orderId, reason },
      { ...deps.inventory, tx: inventoryTx(ctx.tx) },
    );
  });

/**
 * A stock item per catalog product (opened when the product is created, discontinued when it is deleted), and
 * the order saga's inventory steps: placed → reserve (answered by stock-reserved or stock-reservation-failed),
 * held for fraud review → the reservation stops expiring, paid → commit, failed or cancelled → release. Each is idempotent twice over: on the event id (the kit's
 * inbox) and on the product or the order (the stock item's and the reservation's state).
 */
export const inventorySubscriptions: EventSubscription<InventorySubscriptionDeps>[] = [
  subscribe(ProductCreated, async (ctx, event, deps: InventorySubscriptionDeps) => {
    // The catalog accepts up to the 32-bit maximum; more than maxOnHand is kept at maxOnHand rather than leaving
    // the product without a stock item (the counters' guards need the headroom above it).
    const initialStock = Math.min(event.data.initialStock, maxOnHand);
    await openStockItem(
      ctx,
      { productId: event.data.productId, initialStock },
      { ...deps.inventory, tx: inventoryTx(ctx.tx) },
    );
  }),
  subscribe(ProductDeleted, async (ctx, event, deps: InventorySubscriptionDeps) => {
    await discontinueStockItem(
      ctx,
      { productId: event.data.productId },
      { ...deps.inventory, tx: inventoryTx(ctx.tx) },
    );
  }),
  subscribe(OrderPlaced, async (ctx, event, deps: InventorySubscriptionDeps) => {
    const lines = event.data.items.map((item) => ({ productId: item.productId, quantity: item.quantity }));
    await reserveStock(
      ctx,
      { orderId: event.data.orderId, lines, ttlSeconds: deps.reservationTtlSeconds },
      { ...deps.inventory, tx: inventoryTx(ctx.tx) },
    );
  }),
  subscribe(OrderPaid, async (ctx, event, deps: InventorySubscriptionDeps) => {
    const result = await commitReservation(
      ctx,
      { orderId: event.data.orderId },
      { ...deps.inventory, tx: inventoryTx(ctx.tx) },
    );
    // Nothing to retry: the order was paid for stock this inventory no longer holds for it.
    if (!result.ok) ctx.log.error({ orderId: event.data.orderId, result }, 'a paid order could not commit its stock');
  }),
  subscribe(OrderHeld, async (ctx, event, deps: InventorySubscriptionDeps) => {
    const result = await keepReservationForReview(
      ctx,
      { orderId: event.data.orderId },
      { ...deps.inventory, tx: inventoryTx(ctx.tx) },
    );
    // Placed and held are two topics, delivered in any order: the hold waits for the reservation it keeps.
    if (!result.ok && result.reason === 'not-found') return 'retry';
    // Rejected, released or expired before the hold: it holds no stock, and the order ends without it.
    if (!result.ok)
      ctx.log.info({ orderId: event.data.orderId, status: result.reservation.status }, 'held order has no stock held');
    return undefined;
  }),
  release(OrderFailed, 'order-failed'),
  release(OrderCancelled, 'order-cancelled'),
];
