import { StockChanged } from '@shop/contracts';
import { type EventSubscription, subscribe } from '@shop/kit';
import { applyStockChange } from '../application/apply-stock-change';
import type { CatalogDeps } from '../application/ports';
import { catalogTx } from '../infrastructure/catalog-deps';

/** The catalog's stock mirror: each product shows what inventory last said was available. */
export const catalogSubscriptions: EventSubscription<CatalogDeps>[] = [
  subscribe(StockChanged, async (ctx, event, deps: CatalogDeps) => {
    const result = await applyStockChange(ctx, event.data, { tx: catalogTx(ctx.tx) });
    // After the commit: a read between an earlier invalidation and the commit would cache the old stock again.
    if (result === 'applied') ctx.afterCommit(() => deps.cache.invalidate(event.data.productId));
  }),
];
