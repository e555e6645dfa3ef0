import {
  type CatalogProducts,
  catalogProducts,
  EtagMismatchError,
  type InventoryStock,
  inventoryStock,
  type Logger,
  type Mesh,
  type StateEntry,
  type StateStore,
} from '@shop/kit';
import type { ProductFacts, ProductProjection, ProductViews } from '../application/ports';
import {
  type ProductChange,
  type ProjectedProduct,
  type ProjectedStock,
  productAfter,
  stockAfter,
} from '../domain/product-projection';

export interface StateProductProjectionOptions {
  /** The cart's own state store: the entries are `product:<id>` and `stock:<id>`, private to app `cart`. */
  state: StateStore;
  catalog: CatalogProducts;
  inventory: InventoryStock;
  log: Logger;
  /** Conditional saves of one entry tried before giving up (then the event is redelivered, the read fails). */
  maxAttempts?: number;
}

export const productKey = (productId: string) => `product:${productId}`;
export const stockKey = (productId: string) => `stock:${productId}`;

const defaultMaxAttempts = 50;

/**
 * The cart's projection of catalog and inventory, in its Dapr state: the events keep it current, and a read
 * fills what it finds missing (a product created before the cart service started, an event still on its way)
 * from the owners by service invocation, once. Every write is a conditional save that keeps the newest of what
 * is stored and what is written, so an event, a redelivery and a fill racing for one entry end on the newest.
 */
export class StateProductProjection implements ProductViews, ProductProjection {
  private readonly maxAttempts: number;

  constructor(private readonly options: StateProductProjectionOptions) {
    this.maxAttempts = options.maxAttempts ?? defaultMaxAttempts;
  }

  async describe(productIds: string[]): Promise<Map<string, ProductFacts>> {
    const ids = [...new Set(productIds)];
    const facts = new Map<string, ProductFacts>();
    if (ids.length === 0) return facts;
    const entries = await this.options.state.getBulk<ProjectedProduct | ProjectedStock>(
      ids.flatMap((id) => [productKey(id), stockKey(id)]),
    );
    const products = new Map<string, ProjectedProduct>();
    const stocks = new Map<string, ProjectedStock>();
    ids.forEach((id, index) => {
      const product = entries[2 * index] as StateEntry<ProjectedProduct> | undefined;
      const stock = entries[2 * index + 1] as StateEntry<ProjectedStock> | undefined;
      if (product) products.set(id, product.value);
      if (stock) stocks.set(id, stock.value);
    });

    const unprojected = ids.filter((id) => !products.has(id));
    if (unprojected.length > 0) {
      for (const product of await this.fillProducts(unprojected)) products.set(product.productId, product);
    }
    // An archived product shows 0 available whatever its stock, so its stock is never asked for.
    const stockUnknown = ids.filter((id) => products.get(id)?.status === 'active' && !stocks.has(id));
    await Promise.all(
      stockUnknown.map(async (id) => {
        const stock = await this.fillStock(id);
        if (stock) stocks.set(id, stock);
      }),
    );

    for (const id of ids) {
      const product = products.get(id);
      if (!product) continue;
      const { sku, name, price, status } = product;
      const available = status === 'active' ? (stocks.get(id)?.available ?? 0) : 0;
      facts.set(id, { productId: id, sku, name, price, status, available });
    }
    return facts;
  }

  async applyProduct(change: ProductChange): Promise<void> {
    const productId = change.kind === 'facts' ? change.product.productId : change.productId;
    const kept = await this.keepNewest<ProjectedProduct>(productKey(productId), (stored) =>
      productAfter(stored, change),
    );
    if (kept || change.kind === 'facts') return;
    // Archived before the cart ever projected it: product-deleted carries no facts, the catalog still has them.
    const [product] = await this.options.catalog.lookUp([productId]);
    if (!product) {
      this.options.log.warn({ productId }, 'an archived product the catalog does not know: nothing to project');
      return;
    }
    const archived: ProjectedProduct = { ...product, status: 'archived' };
    await this.keepNewest<ProjectedProduct>(productKey(productId), (stored) =>
      productAfter(stored, { kind: 'facts', product: archived }),
    );
  }

  async applyStock(stock: ProjectedStock): Promise<void> {
    await this.keepNewest<ProjectedStock>(stockKey(stock.productId), (stored) => stockAfter(stored, stock));
  }

  /** The catalog's facts of products with no entry, saved unless an event saved newer ones meanwhile. */
  private async fillProducts(productIds: string[]): Promise<ProjectedProduct[]> {
    const found = await this.options.catalog.lookUp(productIds);
    const kept = await Promise.all(
      found.map((product) =>
        this.keepNewest<ProjectedProduct>(
          productKey(product.productId),
          (stored) => productAfter(stored, { kind: 'facts', product }),
          'absent',
        ),
      ),
    );
    return kept.filter((product): product is ProjectedProduct => product !== undefined);
  }

  /** Inventory's levels of a product with no entry; undefined while inventory has no stock item for it. */
  private async fillStock(productId: string): Promise<ProjectedStock | undefined> {
    const levels = await this.options.inventory.levelsOf(productId);
    if (!levels) return undefined;
    return this.keepNewest<ProjectedStock>(stockKey(productId), (stored) => stockAfter(stored, levels), 'absent');
  }

  /**
   * Saves `next(stored)` unless it is undefined (the stored entry is as new or newer), on the condition that the
   * entry is still the one read: an ETag for an entry, first-write for none (so a concurrent creator is never
   * overwritten). A lost race reads again and decides again. Answers the entry as it now stands.
   * `known: 'absent'` skips the first read when the caller has just read the key and found nothing.
   */
  private async keepNewest<T>(
    key: string,
    next: (stored: T | undefined) => T | undefined,
    known?: 'absent',
  ): Promise<T | undefined> {
    let readFirst = known !== 'absent';
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const entry = readFirst ? await this.options.state.get<T>(key) : undefined;
      readFirst = true;
      const value = next(entry?.value);
      if (value === undefined) return entry?.value;
      try {
        await this.options.state.save(key, value, entry ? { etag: entry.etag } : { ifAbsent: true });
        return value;
      } catch (error) {
        if (!(error instanceof EtagMismatchError)) throw error;
      }
    }
    throw new Error(`${key} changed under each of ${this.maxAttempts} conditional saves`);
  }
}

/** The cart's projection on its mesh: its own state store, the catalog and inventory by service invocation. */
export function productProjectionOn(mesh: Mesh, log: Logger): StateProductProjection {
  return new StateProductProjection({
    state: mesh.state,
    catalog: catalogProducts(mesh),
    inventory: inventoryStock(mesh),
    log,
  });
}
