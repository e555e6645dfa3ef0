import Joi from 'joi';
import { hostConfigSchema } from '../config/load-config';
import { defaultSessionCheckSeconds } from '../http/session-check';

/** Token verification settings every service shares; the identity service issues with the same values. */
export const authConfigSchema = {
  JWT_ISSUER: Joi.string().default('shop-identity'),
  JWT_AUDIENCE: Joi.string().default('shop'),
  /** How long a verifier trusts identity's answer that a login is live: the bound on revocation. */
  SESSION_CHECK_SECONDS: Joi.number().integer().min(1).max(300).default(defaultSessionCheckSeconds),
};

/** The embedded topology: every service in one process on PORT, SQLite files in SHOP_DATA_DIR. */
export const embeddedConfigSchema = Joi.object({
  ...hostConfigSchema,
  ...authConfigSchema,
  PORT: Joi.number().port().default(8080),
  HOST: Joi.string().hostname().default('127.0.0.1'),
  SHOP_DATA_DIR: Joi.string().default('.data'),
  /** Defaults to the identity service in this same process. */
  JWKS_URL: Joi.string().uri({ scheme: ['http', 'https'] }),
});

export interface EmbeddedConfig {
  NODE_ENV: string;
  LOG_LEVEL: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  LOG_FORMAT?: 'pretty' | 'json';
  SHUTDOWN_GRACE_MS: number;
  IDEMPOTENCY_TTL_HOURS: number;
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
  SESSION_CHECK_SECONDS: number;
  PORT: number;
  HOST: string;
  SHOP_DATA_DIR: string;
  JWKS_URL?: string;
}

/** The shortest app and Dapr API token accepted: 32 characters, e.g. 24 random bytes in base64url. */
export const meshTokenMinLength = 32;

/** One service beside its daprd (the Kubernetes shape). */
export const sidecarConfigSchema = Joi.object({
  ...hostConfigSchema,
  ...authConfigSchema,
  APP_PORT: Joi.number().port().default(3000),
  HOST: Joi.string().hostname().default('127.0.0.1'),
  DAPR_HOST: Joi.string().hostname().default('127.0.0.1'),
  DAPR_HTTP_PORT: Joi.number().port().default(3500),
  DATABASE_URL: Joi.string(),
  SHOP_DATA_DIR: Joi.string().default('.data'),
  JWKS_URL: Joi.string()
    .uri({ scheme: ['http', 'https'] })
    .required(),
  /** What daprd sends in dapr-api-token on every call into the app (daprd's env APP_API_TOKEN). */
  APP_API_TOKEN: Joi.string().min(meshTokenMinLength).required(),
  /** What the app sends in dapr-api-token on every call to daprd (daprd's env DAPR_API_TOKEN). */
  DAPR_API_TOKEN: Joi.string().min(meshTokenMinLength).required(),
});

export interface SidecarConfig {
  NODE_ENV: string;
  LOG_LEVEL: EmbeddedConfig['LOG_LEVEL'];
  LOG_FORMAT?: EmbeddedConfig['LOG_FORMAT'];
  SHUTDOWN_GRACE_MS: number;
  IDEMPOTENCY_TTL_HOURS: number;
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
  SESSION_CHECK_SECONDS: number;
  APP_PORT: number;
  HOST: string;
  DAPR_HOST: string;
  DAPR_HTTP_PORT: number;
  DATABASE_URL?: string;
  SHOP_DATA_DIR: string;
  JWKS_URL: string;
  APP_API_TOKEN: string;
  DAPR_API_TOKEN: string;
}
