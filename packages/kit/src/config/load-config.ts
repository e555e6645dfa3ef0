import Joi from 'joi';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads configuration from environment variables, validated once at start. The schema's keys are the
 * variable names; every bad or missing variable is named in one error, so a misconfigured pod says
 * exactly what to fix. Unknown variables are ignored (the environment holds many).
 */
export function loadConfig<T extends object>(schema: Joi.ObjectSchema<T>, env: NodeJS.ProcessEnv = process.env): T {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const { value, error } = schema.validate(present, {
    abortEarly: false,
    allowUnknown: true,
    stripUnknown: true,
    convert: true,
    errors: { wrap: { label: false } },
  });
  if (error) {
    throw new ConfigError(error.details.map((detail) => `${detail.path.join('.')}: ${detail.message}`));
  }
  return value;
}

/**
 * Validates several schemas against one environment and names every problem of all of them in one ConfigError: a
 * process checks its host's and its services' variables before it starts anything, so one start says everything
 * there is to fix rather than the first schema's share of it.
 */
export function assertConfiguration(schemas: Array<Joi.ObjectSchema | undefined>, env: NodeJS.ProcessEnv): void {
  const problems = schemas.flatMap((schema) => {
    if (!schema) return [];
    try {
      loadConfig(schema, env);
      return [];
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
  });
  if (problems.length > 0) throw new ConfigError([...new Set(problems)]);
}

/** Variables every service reads. */
export const hostConfigSchema = {
  NODE_ENV: Joi.string().valid('development', 'test', 'production').default('development'),
  LOG_LEVEL: Joi.string().valid('trace', 'debug', 'info', 'warn', 'error', 'fatal').default('info'),
  /** Unset: readable lines on a terminal, JSON lines elsewhere and always in production (resolveLogFormat). */
  LOG_FORMAT: Joi.string().valid('pretty', 'json'),
  SHUTDOWN_GRACE_MS: Joi.number().integer().min(0).max(120_000).default(10_000),
  /** A database statement slower than this is logged as a warning and counted in shop_db_slow_queries_total. */
  SLOW_QUERY_MS: Joi.number().integer().min(1).max(600_000).default(500),
  /** How long idempotency records answer retries before they expire and are swept. */
  IDEMPOTENCY_TTL_HOURS: Joi.number()
    .positive()
    .max(24 * 366)
    .default(24),
};
