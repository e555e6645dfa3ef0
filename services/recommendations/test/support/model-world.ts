import { createLogger } from '@shop/kit';
import { CachedReads } from '../../src/application/cached-reads';
import { learnFromPaidOrder, type ModelSettings } from '../../src/application/learn-from-order';
import { MemoryModel } from '../../src/application/memory-model';
import type { ProductView } from '../../src/application/ports';
import { defaultLearningBounds } from '../../src/domain/co-occurrence';

const context = { log: createLogger({ name: 'recommendations-test', level: 'fatal' }) };

export const dayMs = 86_400_000;

/** Products with views, the model in memory, and the service's own cached reads over both. */
export function modelWorld(settings: Partial<ModelSettings> = {}) {
  const views = new Map<string, ProductView>();
  const model = new MemoryModel({
    categoryOf: (id) => views.get(id)?.categoryId,
    eligible: (id) => views.get(id)?.status === 'active' && (views.get(id)?.available ?? 0) > 0,
  });
  const full: ModelSettings = { ...defaultLearningBounds, halfLifeMs: 30 * dayMs, ...settings };
  let nowMs = Date.parse('2026-01-01T00:00:00Z');
  const reads = new CachedReads({
    model,
    describe: async (ids) => new Map(ids.flatMap((id) => (views.has(id) ? [[id, views.get(id) as ProductView]] : []))),
    settings: { ttlMs: 0, maxEntries: 1000, maxListed: 50, nowMs: () => nowMs },
  });
  return {
    model,
    reads,
    views,
    settings: full,
    product(id: string, overrides: Partial<ProductView> = {}) {
      views.set(id, {
        productId: id,
        name: `product ${id}`,
        price: { amount: 100, currency: 'EUR' },
        categoryId: 'cat-1',
        status: 'active',
        available: 10,
        ...overrides,
      });
      return id;
    },
    async paid(customerId: string, productIds: string[], at = new Date(nowMs)) {
      await learnFromPaidOrder(
        context,
        { customerId, items: productIds.map((productId) => ({ productId, quantity: 1 })), at },
        { store: model, settings: full },
      );
    },
    advance(ms: number) {
      nowMs += ms;
    },
    now: () => new Date(nowMs),
  };
}
