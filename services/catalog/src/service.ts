import { createDataSource, type ServiceManifest } from '@shop/kit';
import { assembleCatalog } from './assemble-catalog';
import { type CatalogConfig, catalogConfigSchema } from './config';
import { catalogEntities } from './infrastructure/entities';
import { catalogMigrations } from './infrastructure/migrations';

/** Products, the category tree and search; stock projected from inventory; product reads cached. */
export const catalogService: ServiceManifest<CatalogConfig> = {
  name: 'catalog',
  publicPaths: ['/api/products', '/api/categories'],
  config: catalogConfigSchema,
  async setup(context) {
    const dataSource = createDataSource(context.databaseUrl, {
      entities: catalogEntities,
      migrations: catalogMigrations,
      logger: context.log,
      idempotencyTtlHours: context.idempotencyTtlHours,
    });
    await dataSource.initialize();
    return assembleCatalog({
      dataSource,
      mesh: context.mesh,
      log: context.log,
      metrics: context.metrics,
      authenticate: context.authenticate,
      cacheTtlSeconds: context.config.PRODUCT_CACHE_TTL_SECONDS,
    });
  },
};
