import { autocommit, bindStore, type Logger, type Tx, transaction } from '@shop/kit';
import type { DataSource } from 'typeorm';
import type { CatalogDeps, CatalogReads, CatalogTx, ProductCache } from '../application/ports';
import { categoryStore } from './category-store';
import { productStore, type Unit } from './product-store';

function storesIn(unit: Unit): CatalogReads & Pick<CatalogTx, 'products' | 'categories'> {
  return { products: bindStore(productStore, unit), categories: bindStore(categoryStore, unit) };
}

/** A kit transaction as the catalog's use cases see it: its stores and its outbox, never its EntityManager. */
export function catalogTx(tx: Tx): CatalogTx {
  return {
    ...storesIn(tx),
    outbox: (topic, event) => tx.outbox(topic, event),
    rollbackWith: (value) => tx.rollbackWith(value),
  };
}

/** The application's ports on one DataSource. */
export function catalogDeps(dataSource: DataSource, cache: ProductCache, log: Logger): CatalogDeps {
  return {
    transaction: (work) => transaction(dataSource, (tx) => work(catalogTx(tx))),
    // In autocommit: the server databases read from the pool; SQLite has one connection for everyone, where a
    // plain read would run inside whichever transaction is open on it and see (and cache) rows that may still roll
    // back, so there the read takes its turn in the kit's queue, between transactions (no BEGIN and COMMIT).
    read: (work) => autocommit(dataSource, (manager) => work(storesIn({ manager }))),
    cache,
    log,
  };
}
