import { dialectOf, type Logger, transaction } from '@shop/kit';
import type { DataSource } from 'typeorm';
import type { CatalogDeps, ProductCache } from '../application/ports';
import { categoryStore } from './category-store';
import { productStore } from './product-store';

/** The application's ports on one DataSource. */
export function catalogDeps(dataSource: DataSource, cache: ProductCache, log: Logger): CatalogDeps {
  const sqlite = dialectOf(dataSource) === 'sqlite';
  return {
    transaction: (work) => transaction(dataSource, work),
    // SQLite has one connection for everyone: a plain read would run inside whichever transaction is open on
    // it and see (and cache) rows that may still roll back. There reads queue like transactions; the server
    // databases read in autocommit, from the pool.
    read: sqlite ? (work) => transaction(dataSource, work) : (work) => work({ manager: dataSource.manager }),
    products: productStore,
    categories: categoryStore,
    cache,
    log,
  };
}
