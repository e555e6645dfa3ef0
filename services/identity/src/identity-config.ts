import { authConfigSchema, maxAccessTokenLifetimeSeconds } from '@shop/kit';
import Joi from 'joi';

// biome-ignore lint/suspicious/noThenProperty: joi's conditional schemas are spelled with `then`.
const production = { is: 'production', then: Joi.required(), otherwise: Joi.optional() } as const;

/** The identity service's own settings (besides the host's), validated at start. */
export const identityConfigSchema = Joi.object({
  ...authConfigSchema,
  NODE_ENV: Joi.string().default('development'),
  /** CONTRACT.md: development defaults, none in production (the chart reads them from a Secret). */
  SHOP_ADMIN_EMAIL: Joi.string()
    .email({ tlds: false })
    .when('NODE_ENV', { ...production, otherwise: Joi.string().default('admin@shop.local') }),
  SHOP_ADMIN_PASSWORD: Joi.string()
    .min(10)
    .when('NODE_ENV', { ...production, otherwise: Joi.string().default('admin-dev-password') }),
  /** Seals the signing keys at rest; required in production. */
  JWT_KEYS_SECRET: Joi.string().min(32).when('NODE_ENV', production),
  /** Verifiers refuse tokens that live longer than the kit's cap, so identity never issues one. */
  ACCESS_TOKEN_TTL_SECONDS: Joi.number().integer().min(60).max(maxAccessTokenLifetimeSeconds).default(900),
  REFRESH_TOKEN_TTL_DAYS: Joi.number().integer().min(1).max(365).default(30),
  JWT_KEY_ROTATION_DAYS: Joi.number().integer().min(1).max(365).default(30),
  /** log2 of scrypt's N: 15 is 32 MiB and ~50 ms per hash here; tests may lower it, production must not. */
  PASSWORD_HASH_COST: Joi.number()
    .integer()
    .max(20)
    // biome-ignore lint/suspicious/noThenProperty: joi's conditional schemas are spelled with `then`.
    .when('NODE_ENV', { is: 'production', then: Joi.number().min(15), otherwise: Joi.number().min(4) })
    .default(15),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: Joi.number().integer().min(1).default(5),
  LOGIN_MAX_FAILURES_PER_ADDRESS: Joi.number().integer().min(1).default(50),
  LOGIN_THROTTLE_WINDOW_SECONDS: Joi.number().integer().min(1).default(900),
  /** Proxies in front of this service that append to X-Forwarded-For (the edge gateway, an ingress). */
  TRUSTED_PROXY_HOPS: Joi.number().integer().min(0).max(5).default(0),
});

export interface IdentityConfig {
  NODE_ENV: string;
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
  SHOP_ADMIN_EMAIL?: string;
  SHOP_ADMIN_PASSWORD?: string;
  JWT_KEYS_SECRET?: string;
  ACCESS_TOKEN_TTL_SECONDS: number;
  REFRESH_TOKEN_TTL_DAYS: number;
  JWT_KEY_ROTATION_DAYS: number;
  PASSWORD_HASH_COST: number;
  LOGIN_MAX_FAILURES_PER_ACCOUNT: number;
  LOGIN_MAX_FAILURES_PER_ADDRESS: number;
  LOGIN_THROTTLE_WINDOW_SECONDS: number;
  TRUSTED_PROXY_HOPS: number;
}
