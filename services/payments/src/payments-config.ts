import Joi from 'joi';

/** The payments service's own settings (besides the host's), validated at start. */
export interface PaymentsConfig {
  /** A vaulted card's token is refused this long after it was issued (the order should be charged by then). */
  PAYMENT_METHOD_TTL_SECONDS: number;
  /** How often the simulated gateway forgets expired tokens. */
  PAYMENT_METHOD_PURGE_INTERVAL_MS: number;
  /** The simulated gateway's own database; by default a SQLite file beside the payments one, or the same database. */
  SIMULATED_GATEWAY_DATABASE_URL?: string;
  NODE_ENV: string;
  /** The key of the cards' fingerprints (HMAC-SHA256 of the digits); required in production. */
  CARD_FINGERPRINT_SECRET: string;
}

// biome-ignore lint/suspicious/noThenProperty: joi's conditional schemas are spelled with `then`.
const production = { is: 'production', then: Joi.required() } as const;

export const paymentsConfigSchema = Joi.object<PaymentsConfig>({
  PAYMENT_METHOD_TTL_SECONDS: Joi.number()
    .integer()
    .min(60)
    .max(7 * 86_400)
    .default(3_600),
  PAYMENT_METHOD_PURGE_INTERVAL_MS: Joi.number().integer().min(100).max(86_400_000).default(60_000),
  SIMULATED_GATEWAY_DATABASE_URL: Joi.string(),
  NODE_ENV: Joi.string().default('development'),
  // Whoever knows the key can test card numbers against a fingerprint: a development default only, none in production.
  CARD_FINGERPRINT_SECRET: Joi.string()
    .min(32)
    .when('NODE_ENV', { ...production, otherwise: Joi.string().default('development-card-fingerprint-secret-0123') }),
});
