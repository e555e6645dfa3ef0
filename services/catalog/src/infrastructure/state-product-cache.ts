import type { Logger, StateStore } from '@shop/kit';
import { Counter, type Registry } from 'prom-client';
import type { CachedProduct, ProductCache } from '../application/ports';

export interface StateProductCacheOptions {
  ttlSeconds: number;
  log: Logger;
  metrics?: Registry;
  /** How long after an invalidation it is repeated (see invalidate). */
  repeatInvalidationMs?: number;
}

// The format is part of the key, so a rolling deployment that changes it never reads the other's entries.
const keyOf = (id: string) => `product:v1:${id}`;

/**
 * Product reads in the mesh state store (Redis beside daprd, in memory in the embedded topology), with a TTL.
 * A store that fails is a miss, never an error: reads then go to the database.
 */
export class StateProductCache implements ProductCache {
  private readonly repeatTimers = new Set<NodeJS.Timeout>();
  private readonly hits: { inc(): void };
  private readonly misses: { inc(): void };

  constructor(
    private readonly state: StateStore,
    private readonly options: StateProductCacheOptions,
  ) {
    const counter = cacheCounter(options.metrics);
    this.hits = counter?.labels({ result: 'hit' }) ?? { inc() {} };
    this.misses = counter?.labels({ result: 'miss' }) ?? { inc() {} };
  }

  async get(id: string): Promise<CachedProduct | undefined> {
    try {
      const entry = await this.state.get<CachedProduct>(keyOf(id));
      if (entry) {
        this.hits.inc();
        return entry.value;
      }
    } catch (error) {
      this.options.log.warn({ err: error, productId: id }, 'product cache read failed; reading the database');
    }
    this.misses.inc();
    return undefined;
  }

  async put(id: string, entry: CachedProduct): Promise<void> {
    try {
      await this.state.save(keyOf(id), entry, { ttlSeconds: this.options.ttlSeconds });
    } catch (error) {
      this.options.log.warn({ err: error, productId: id }, 'product cache write failed');
    }
  }

  /**
   * Deletes now, and once more a moment later: a reader that missed just before the change may still be
   * putting what it read before the commit, and would otherwise leave that for a whole TTL.
   */
  async invalidate(id: string): Promise<void> {
    await this.delete(id);
    const timer = setTimeout(() => {
      this.repeatTimers.delete(timer);
      void this.delete(id);
    }, this.options.repeatInvalidationMs ?? 1_000);
    timer.unref();
    this.repeatTimers.add(timer);
  }

  close(): void {
    for (const timer of this.repeatTimers) clearTimeout(timer);
    this.repeatTimers.clear();
  }

  private async delete(id: string): Promise<void> {
    try {
      await this.state.delete(keyOf(id));
    } catch (error) {
      this.options.log.error(
        { err: error, productId: id },
        `product cache invalidation failed; readers may see the old product for up to ${this.options.ttlSeconds} s`,
      );
    }
  }
}

/** PRODUCT_CACHE_TTL_SECONDS=0: every read goes to the database. */
export const noProductCache: ProductCache = {
  get: async () => undefined,
  put: async () => {},
  invalidate: async () => {},
  close: () => {},
};

function cacheCounter(metrics: Registry | undefined): Counter<'result'> | undefined {
  if (!metrics) return undefined;
  const name = 'catalog_product_cache_reads_total';
  return (
    (metrics.getSingleMetric(name) as Counter<'result'> | undefined) ??
    new Counter({
      name,
      help: 'Product reads answered from the state store (hit) or the database (miss)',
      labelNames: ['result'],
      registers: [metrics],
    })
  );
}
