import type { StockLevels } from '@shop/contracts';

export type { StockLevels };

/**
 * The most a product may have on hand. Every counter stays far inside a 32-bit integer column, so no
 * request, however large its numbers, can make the database overflow (a 5xx caused by content).
 */
export const maxOnHand = 1_000_000_000;

/** A product's stock as the inventory keeps it; `reserved` units are promised to orders not yet paid. */
export interface StockItem {
  productId: string;
  onHand: number;
  reserved: number;
  /** Increases by one with every change of the levels; published with them so consumers can drop stale ones. */
  version: number;
  /** Set once the product was deleted in the catalog: nothing new is reserved for it. */
  discontinuedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export function levelsOf(item: Pick<StockItem, 'productId' | 'onHand' | 'reserved'>): StockLevels {
  return {
    productId: item.productId,
    onHand: item.onHand,
    reserved: item.reserved,
    available: item.onHand - item.reserved,
  };
}

/**
 * True when `available` went from above the threshold to at or below it: a warning is raised once per
 * descent, not on every sale below the line.
 */
export function crossedLowStock(availableBefore: number, availableAfter: number, threshold: number): boolean {
  return availableBefore > threshold && availableAfter <= threshold;
}
