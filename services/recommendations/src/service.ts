import { ApiRoutes, catalogProducts, inboxIntake, inventoryStock, type ServiceManifest } from '@shop/kit';
import { CachedReads } from './application/cached-reads';
import { describeProducts } from './application/project-products';
import { recommendForProduct } from './application/recommend';
import { defaultLearningBounds } from './domain/co-occurrence';
import { recommendationsReadyRead } from './http/ready-recommendations';
import { defaultLimit, maxLimit, recommendationRoutes } from './http/recommendation-routes';
import { recommendationEntities } from './infrastructure/entities';
import { recommendationMigrations } from './infrastructure/migrations';
import {
  learningStoreOf,
  modelReads,
  productRecords,
  projectionStoreOf,
  projectionWriter,
} from './infrastructure/typeorm-stores';
import { type RecommendationsConfig, recommendationsConfigSchema } from './recommendations-config';
import { recommendationSubscriptions } from './subscriptions/recommendation-subscriptions';

const msPerDay = 86_400_000;

/**
 * Recommendations: an item-to-item model learnt from paid orders (co-occurrence, cosine, time decay), kept in
 * the service's database in each event's inbox transaction, and answered from each replica's memory.
 * services/recommendations/README.md explains the model and its choices.
 */
export const recommendationsService: ServiceManifest<RecommendationsConfig> = {
  name: 'recommendations',
  // Only these sub-paths: /api/products belongs to the catalog (services/edge routes the longer prefix here).
  publicPaths: ['/api/products/*/recommendations', '/api/customers/me/recommendations'],
  config: recommendationsConfigSchema,
  data: { entities: recommendationEntities, migrations: recommendationMigrations },
  async setup({ name, config, dataSource, mesh, log, authenticate }) {
    const owners = { catalog: catalogProducts(mesh), inventory: inventoryStock(mesh) };
    const reads = new CachedReads({
      model: modelReads(dataSource),
      describe: (productIds) =>
        describeProducts(
          { log },
          { productIds },
          {
            read: (ids) => productRecords(dataSource.manager, ids),
            write: projectionWriter(dataSource, log),
            owners,
          },
        ),
      settings: {
        ttlMs: config.RECOMMENDATIONS_CACHE_TTL_MS,
        maxEntries: config.RECOMMENDATIONS_CACHE_ENTRIES,
        maxListed: maxLimit,
        nowMs: () => Date.now(),
      },
    });
    const api = new ApiRoutes();
    api.use(authenticate);
    recommendationRoutes(api, reads);
    const readyContext = { log };
    return {
      router: api.router,
      readyReads: [
        recommendationsReadyRead(
          async (productId, limit) => {
            const result = await recommendForProduct(readyContext, { productId, limit }, reads);
            return result.ok ? result.items : undefined;
          },
          { defaultLimit, maxLimit },
        ),
      ],
      openApi: api.openApi({
        title: 'recommendations',
        version: '1',
        description: 'Products bought together, and products for a customer from what they bought.',
      }),
      subscriptions: inboxIntake(recommendationSubscriptions, {
        service: name,
        log,
        dataSource,
        deps: {
          learningStoreOf,
          projectionStoreOf,
          settings: {
            ...defaultLearningBounds,
            maxCandidates: config.RECOMMENDATIONS_CANDIDATES_PER_PRODUCT,
            halfLifeMs: config.RECOMMENDATIONS_HALF_LIFE_DAYS * msPerDay,
          },
          learnt: (productIds) => reads.learnt(productIds),
          productChanged: () => reads.productChanged(),
        },
      }),
    };
  },
};
