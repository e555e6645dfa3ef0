import type { Scored } from '../domain/ranking';
import { rankedNeighbours } from './neighbours';
import { type ModelReads, type ProductView, recommendable } from './ports';
import type { RecommendationReads } from './recommend';
import { TtlCache } from './ttl-cache';

export interface CacheSettings {
  ttlMs: number;
  /** Entries kept per cache (products, neighbour lists, category bestsellers). */
  maxEntries: number;
  /** The longest list an answer may ask for (the routes' limit): each cached list holds a few more. */
  maxListed: number;
  nowMs: () => number;
}

/**
 * The recommendations' reads answered from memory: per product its view and its neighbour list (cosine-ranked,
 * only recommendable products, with their views), per category its bestsellers; each entry loaded from the
 * database on a miss and kept for the TTL. Purchases are read fresh (one indexed query) so that a customer is
 * never shown back what the database says they bought.
 */
export class CachedReads implements RecommendationReads {
  private readonly products: TtlCache<string, ProductView | undefined>;
  private readonly neighbourLists: TtlCache<string, Array<Scored & { view: ProductView }>>;
  private readonly bestsellerLists: TtlCache<string, ProductView[]>;

  constructor(
    private readonly deps: {
      model: ModelReads;
      /** Views of products, filled from their owners when unknown (application/project-products.ts). */
      describe: (productIds: readonly string[]) => Promise<Map<string, ProductView>>;
      settings: CacheSettings;
    },
  ) {
    const { settings } = deps;
    const options = { ttlMs: settings.ttlMs, maxEntries: settings.maxEntries, nowMs: settings.nowMs };
    // A few more than an answer shows: the customer's list leaves out what they bought.
    const kept = settings.maxListed * 2;
    this.products = new TtlCache(options, async (id) => (await deps.describe([id])).get(id));
    this.neighbourLists = new TtlCache(options, async (id) => {
      const ranked = await rankedNeighbours(id, deps.model);
      const views = await deps.describe(ranked.map((neighbour) => neighbour.productId));
      return ranked
        .flatMap((neighbour) => {
          const view = views.get(neighbour.productId);
          return recommendable(view) && neighbour.productId !== id ? [{ ...neighbour, view }] : [];
        })
        .slice(0, kept);
    });
    this.bestsellerLists = new TtlCache(options, async (categoryId) => {
      const ids = await deps.model.bestsellersOf(categoryId, kept);
      const views = await deps.describe(ids);
      return ids.flatMap((id) => {
        const view = views.get(id);
        return recommendable(view) ? [view] : [];
      });
    });
  }

  product(productId: string) {
    return this.products.get(productId);
  }

  neighbours(productId: string) {
    return this.neighbourLists.get(productId);
  }

  bestsellers(categoryId: string) {
    return this.bestsellerLists.get(categoryId);
  }

  purchasesOf(customerId: string) {
    return this.deps.model.purchasesOf(customerId);
  }

  /** After this replica learnt from an order: its products' lists and the bestsellers are stale. */
  learnt(productIds: readonly string[]): void {
    for (const id of productIds) this.neighbourLists.forget(id);
    this.bestsellerLists.clear();
  }

  /** After a product's facts or recommendability changed here: it may sit in any list. */
  productChanged(): void {
    this.products.clear();
    this.neighbourLists.clear();
    this.bestsellerLists.clear();
  }
}
