import { bindStore, dialectOf, type Logger, type Tx, transaction } from '@shop/kit';
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
  const sqlite = dialectOf(dataSource) === 'sqlite';
  return {
    transaction: (work) => transaction(dataSource, (tx) => work(catalogTx(tx))),
    // SQLite has one connection for everyone: a plain read would run inside whichever transaction is open on
    // it and see (and cache) rows that may still roll back. There reads queue like transactions; the server
    // databases read in autocommit, from the pool.
    read: sqlite
      ? (work) => transaction(dataSource, (tx) => work(storesIn(tx)))
      : (work) => work(storesIn({ manager: dataSource.manager })),
    cache,
    log,
  };
}
