import { ConfigError, loadConfig } from '@shop/kit';
import { type IdentityConfig, identityConfigSchema } from '../src/identity-config';

describe('identity configuration', () => {
  it('has the development admin of the contract outside production', () => {
    const config = loadConfig<IdentityConfig>(identityConfigSchema, {});
    expect(config).toEqual(
      expect.objectContaining({
        SHOP_ADMIN_EMAIL: 'admin@shop.local',
        SHOP_ADMIN_PASSWORD: 'admin-dev-password',
        ACCESS_TOKEN_TTL_SECONDS: 900,
        REFRESH_TOKEN_TTL_DAYS: 30,
      }),
    );
  });

  it('has no defaults for secrets in production and names each missing one', () => {
    let error: unknown;
    try {
      loadConfig(identityConfigSchema, { NODE_ENV: 'production' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['SHOP_ADMIN_EMAIL', 'SHOP_ADMIN_PASSWORD', 'JWT_KEYS_SECRET']) expect(problems).toContain(name);
  });

  it('refuses a weak password hash cost in production', () => {
    expect(() =>
      loadConfig(identityConfigSchema, {
        NODE_ENV: 'production',
        SHOP_ADMIN_EMAIL: 'ops@example.com',
        SHOP_ADMIN_PASSWORD: 'a long admin password',
        JWT_KEYS_SECRET: 'x'.repeat(40),
        PASSWORD_HASH_COST: '10',
      }),
    ).toThrow(/PASSWORD_HASH_COST/);
  });
});
