import Joi from 'joi';
import { ConfigError, hostConfigSchema, loadConfig } from '../../src/config/load-config';

const schema = Joi.object({
  ...hostConfigSchema,
  PORT: Joi.number().port().default(8080),
  DATABASE_URL: Joi.string()
    .uri({ scheme: ['postgres', 'mssql', 'sqlite'] })
    .required(),
});

describe('configuration from the environment', () => {
  it('applies defaults and converts types', () => {
    const config = loadConfig(schema, { DATABASE_URL: 'postgres://u:p@db:5432/shop' });
    expect(config).toEqual({
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      SHUTDOWN_GRACE_MS: 10_000,
      IDEMPOTENCY_TTL_HOURS: 24,
      SLOW_QUERY_MS: 500,
      PORT: 8080,
      DATABASE_URL: 'postgres://u:p@db:5432/shop',
    });
  });

  it('names every bad variable in one error', () => {
    const attempt = () => loadConfig(schema, { PORT: 'eighty', LOG_LEVEL: 'loud' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toMatch(/^PORT: /m);
      expect(problems).toMatch(/^LOG_LEVEL: /m);
      expect(problems).toMatch(/^DATABASE_URL: .*required/m);
    }
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig(schema, { PORT: '', DATABASE_URL: 'sqlite:/tmp/x' }).PORT).toBe(8080);
  });

  it('drops variables the schema does not name', () => {
    expect(loadConfig(schema, { DATABASE_URL: 'sqlite:/tmp/x', HOME: '/root' })).not.toHaveProperty('HOME');
  });
});
