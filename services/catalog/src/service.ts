import type { ServiceManifest } from '@shop/kit';
import { assembleCatalog } from './assemble-catalog';
import { type CatalogConfig, catalogConfigSchema } from './config';
import { catalogEntities } from './infrastructure/entities';
import { catalogMigrations } from './infrastructure/migrations';

/** Products, the category tree and search; stock projected from inventory; product reads cached. */
export const catalogService: ServiceManifest<CatalogConfig> = {
  name: 'catalog',
  publicPaths: ['/api/products', '/api/categories'],
  config: catalogConfigSchema,
  data: { entities: catalogEntities, migrations: catalogMigrations },
  outbox: true,
  setup: async ({ dataSource, mesh, log, metrics, authenticate, config }) =>
    assembleCatalog({
      dataSource,
      mesh,
      log,
      metrics,
      authenticate,
      cacheTtlSeconds: config.PRODUCT_CACHE_TTL_SECONDS,
    }),
};
