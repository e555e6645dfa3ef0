import type { EventEnvelope, StockChanged } from '@shop/contracts';
import type { CatalogDeps } from './ports';

export const stockProjectionConsumer = 'catalog.stock-projection';

export type ApplyStockChangeResult = 'applied' | 'stale' | 'duplicate';

/**
 * Projects inventory's available quantity onto the product. Inventory numbers its changes per product, and
 * events can arrive out of order or twice: the conditional UPDATE keeps only a newer version, the inbox
 * skips an event id already applied.
 */
export async function applyStockChange(
  deps: CatalogDeps,
  event: EventEnvelope<StockChanged>,
): Promise<ApplyStockChangeResult> {
  const { productId, available, version } = event.data;
  const outcome = await deps.handleOnce(stockProjectionConsumer, event.id, (tx) =>
    // `available` never goes below zero by contract; clamping keeps a faulty event from showing negative stock.
    tx.products.applyStock(productId, Math.max(0, available), version),
  );
  if (outcome.status === 'duplicate') return 'duplicate';
  if (outcome.status !== 'applied' || !outcome.value) return 'stale';
  await deps.cache.invalidate(productId);
  return 'applied';
}
