import Joi from 'joi';

/** The catalog's own environment variables (the host's are validated by the kit). */
export interface CatalogConfig {
  /** How long a product read stays in the state store; 0 turns the cache off. */
  PRODUCT_CACHE_TTL_SECONDS: number;
}

export const catalogConfigSchema = Joi.object<CatalogConfig>({
  PRODUCT_CACHE_TTL_SECONDS: Joi.number().integer().min(0).max(86_400).default(60),
});
