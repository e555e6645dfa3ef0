import type { StockChanged } from '@shop/contracts';
import type { HandlerContext } from '@shop/kit';
import type { CatalogTx } from './ports';

export type ApplyStockChangeResult = 'applied' | 'stale';

/**
 * Projects inventory's available quantity onto the product, in the transaction the event's inbox record is
 * written in (a redelivered event never gets here). Inventory numbers its changes per product and events can
 * arrive out of order: the conditional UPDATE keeps only a newer version. The cached product is invalidated
 * by the caller once this committed.
 */
export async function applyStockChange(
  _ctx: HandlerContext,
  change: StockChanged,
  { tx }: { tx: CatalogTx },
): Promise<ApplyStockChangeResult> {
  const applied = await tx.products.applyStock(change.productId, change.available, change.version);
  return applied ? 'applied' : 'stale';
}
