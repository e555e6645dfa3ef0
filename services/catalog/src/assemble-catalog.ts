import type { Mesh } from '@shop/kit';
import { ApiRoutes, inboxIntake, type Logger, respondIdempotently, type ServiceParts } from '@shop/kit';
import type { Middleware } from 'koa';
import type { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { CatalogDeps } from './application/ports';
import { categoryRoutes } from './http/category-routes';
import { internalRoutes } from './http/internal-routes';
import { productReadyRead, productRoutes } from './http/product-routes';
import { catalogDeps, catalogTx } from './infrastructure/catalog-deps';
import { noProductCache, StateProductCache } from './infrastructure/state-product-cache';
import { catalogSubscriptions } from './subscriptions/catalog-subscriptions';

export interface CatalogOptions {
  /** Opened and migrated (ServiceContext.dataSource); the kit closes it. */
  dataSource: DataSource;
  mesh: Mesh;
  log: Logger;
  metrics?: Registry;
  /** Reads the bearer token into ctx.state.caller (ServiceContext.authenticate). */
  authenticate: Middleware;
  /** 0 turns the product cache off. */
  cacheTtlSeconds: number;
}

export interface Catalog extends ServiceParts {
  deps: CatalogDeps;
}

/** Wires the catalog on a DataSource and a mesh; the manifest and the tests both build it here. */
export function assembleCatalog(options: CatalogOptions): Catalog {
  const { dataSource, mesh, log } = options;
  const cache =
    options.cacheTtlSeconds > 0
      ? new StateProductCache(mesh.state, { ttlSeconds: options.cacheTtlSeconds, log, metrics: options.metrics })
      : noProductCache;
  const deps = catalogDeps(dataSource, cache, log);

  const api = new ApiRoutes();
  internalRoutes(api, deps);
  api.use(options.authenticate);
  categoryRoutes(api, deps);
  productRoutes(api, deps, (ctx, scope, work) =>
    respondIdempotently(ctx, dataSource, scope, (tx) => work(catalogTx(tx))),
  );
  const openApi = api.openApi({
    title: 'catalog',
    version: '1',
    description: 'Products, the category tree and product search.',
  });

  return {
    deps,
    router: api.router,
    readyReads: [productReadyRead(deps)],
    openApi,
    subscriptions: inboxIntake(catalogSubscriptions, { service: 'catalog', log, dataSource, deps }),
    close: () => cache.close(),
  };
}
