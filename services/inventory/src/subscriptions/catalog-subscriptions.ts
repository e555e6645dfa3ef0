import { topics } from '@shop/contracts';
import type { Logger, Subscription } from '@shop/kit';
import Joi from 'joi';
import type { DataSource } from 'typeorm';
import type { InventoryDeps } from '../application/inventory-deps';
import { discontinueStockItem, openStockItem } from '../application/open-stock-item';
import { maxOnHand } from '../domain/stock-levels';
import { productId } from '../ids';
import { consumeOnce } from './consume-once';

const productCreated = Joi.object<{ productId: string; initialStock: number }>({
  productId: productId.required(),
  // The catalog accepts up to the 32-bit maximum; more than maxOnHand is kept at maxOnHand rather than leaving
  // the product without a stock item (the counters' guards need the headroom above it).
  initialStock: Joi.number()
    .integer()
    .min(0)
    .default(0)
    .custom((value: number) => Math.min(value, maxOnHand)),
});

const productDeleted = Joi.object<{ productId: string }>({ productId: productId.required() });

/** A stock item per catalog product: opened when the product is created, discontinued when it is deleted. */
export function catalogSubscriptions(db: DataSource, deps: InventoryDeps, log: Logger): Subscription[] {
  return [
    {
      topic: topics.productCreated,
      handle: (event) =>
        consumeOnce(event, {
          db,
          log,
          consumer: 'inventory.open-stock-item',
          schema: productCreated,
          effect: (tx, data) => openStockItem(tx, data, deps),
        }),
    },
    {
      topic: topics.productDeleted,
      handle: (event) =>
        consumeOnce(event, {
          db,
          log,
          consumer: 'inventory.discontinue-stock-item',
          schema: productDeleted,
          effect: (tx, data) => discontinueStockItem(tx, data, deps),
        }),
    },
  ];
}
