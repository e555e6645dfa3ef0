import Joi from 'joi';

/** The recommendations service's own settings (besides the host's), validated at start. */
export interface RecommendationsConfig {
  /** How long until a paid order counts half as much as one paid now (README: decay). */
  RECOMMENDATIONS_HALF_LIFE_DAYS: number;
  /** Co-purchased candidates kept per product (the memory bound; README: eviction). */
  RECOMMENDATIONS_CANDIDATES_PER_PRODUCT: number;
  /** How long a replica answers a product's list from memory before reading it again. */
  RECOMMENDATIONS_CACHE_TTL_MS: number;
  /** Entries each of the replica's caches holds at most. */
  RECOMMENDATIONS_CACHE_ENTRIES: number;
}

export const recommendationsConfigSchema = Joi.object<RecommendationsConfig>({
  RECOMMENDATIONS_HALF_LIFE_DAYS: Joi.number().min(0.01).max(3650).default(30),
  RECOMMENDATIONS_CANDIDATES_PER_PRODUCT: Joi.number().integer().min(10).max(1000).default(100),
  RECOMMENDATIONS_CACHE_TTL_MS: Joi.number().integer().min(0).max(600_000).default(2000),
  RECOMMENDATIONS_CACHE_ENTRIES: Joi.number().integer().min(100).max(1_000_000).default(10_000),
});
