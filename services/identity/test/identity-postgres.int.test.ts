import { join, resolve } from 'node:path';
import { createDataSource, createLogger, type HandlerContext } from '@shop/kit';
import { type PostgresServer, startPostgres } from '@shop/testkit/src/postgres';
import type { DataSource } from 'typeorm';
import { listCustomers } from '../src/application/list-customers';
import { logIn } from '../src/application/log-in';
import type { IdentityDeps } from '../src/application/ports';
import { refreshSession } from '../src/application/refresh-session';
import { registerCustomer } from '../src/application/register-customer';
import { identityEntities } from '../src/infrastructure/entities';
import { jwtAccessTokens } from '../src/infrastructure/jwt-access-tokens';
import { identityMigrations } from '../src/infrastructure/migrations';
import { scryptPasswords } from '../src/infrastructure/scrypt-passwords';
import { SigningKeyRing } from '../src/infrastructure/signing-keys';
import { typeormReads, typeormUnitOfWork } from '../src/infrastructure/typeorm-store';
import { upgradeKeepsAccounts } from './support/locale-phone-upgrade';

const logDir = join(resolve(__dirname, '../../..'), '.tmp/test-logs/identity-postgres');

let postgres: PostgresServer;
let dataSource: DataSource;
let deps: IdentityDeps;
const ctx: HandlerContext = { log: createLogger({ name: 'identity-postgres-test', level: 'fatal' }) };

beforeAll(async () => {
  postgres = await startPostgres({ logDir });
  dataSource = createDataSource(await postgres.createDatabase('identity'), {
    entities: identityEntities,
    migrations: identityMigrations,
    poolSize: 20,
  });
  await dataSource.initialize();
  const clock = { now: () => new Date() };
  const keys = new SigningKeyRing({ dataSource, clock, rotationIntervalSeconds: 86_400, accessTokenTtlSeconds: 900 });
  await keys.ensureKey();
  deps = {
    unitOfWork: typeormUnitOfWork(dataSource),
    reads: typeormReads(dataSource),
    passwords: scryptPasswords({ log2Cost: 8 }),
    accessTokens: jwtAccessTokens({ keys, issuer: 'shop-identity', audience: 'shop', ttlSeconds: 900 }),
    loginAttempts: { begin: async () => 0, succeeded: async () => {} },
    clock,
    refreshTokenTtlSeconds: 86_400,
  };
}, 120_000);
afterAll(async () => {
  await dataSource?.destroy();
  await postgres?.stop();
});

describe('identity on PostgreSQL', () => {
  it('registers an email once when twenty requests race for it', async () => {
    const email = `race-${Date.now()}@example.com`;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        registerCustomer(ctx, { email, password: 'analytical engine 1843', name: `Racer ${i}` }, deps),
      ),
    );
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(results.filter((result) => !result.ok && result.reason === 'email-taken')).toHaveLength(19);
    expect(await dataSource.query('SELECT count(*)::int AS n FROM outbox_events')).toEqual([{ n: 1 }]);
  });

  it('lets one of ten concurrent uses of a refresh token win, and revokes the family for the rest', async () => {
    const email = `refresh-${Date.now()}@example.com`;
    await registerCustomer(ctx, { email, password: 'analytical engine 1843', name: 'Ada' }, deps);
    const login = await logIn(ctx, { email, password: 'analytical engine 1843', clientAddress: '127.0.0.1' }, deps);
    if (!login.ok) throw new Error('login failed');
    const results = await Promise.all(
      Array.from({ length: 10 }, () => refreshSession(ctx, { refreshToken: login.session.refreshToken }, deps)),
    );
    const winners = results.filter((result) => result.ok);
    expect(winners).toHaveLength(1);
    expect(results.filter((result) => !result.ok && result.reason === 'reused')).toHaveLength(9);
    // The reuse revoked the family, the winner's new token included.
    const winner = winners[0];
    if (!winner?.ok) throw new Error('no winner');
    expect(await refreshSession(ctx, { refreshToken: winner.session.refreshToken }, deps)).toEqual({
      ok: false,
      reason: 'revoked',
    });
  });

  it('pages through customers by creation time without gaps', async () => {
    for (let i = 0; i < 7; i++) {
      await registerCustomer(
        ctx,
        { email: `page-${i}-${Date.now()}@example.com`, password: 'analytical engine 1843', name: 'P' },
        deps,
      );
    }
    const all: string[] = [];
    let after: { createdAt: Date; id: string } | undefined;
    for (;;) {
      const page = await listCustomers(ctx, { limit: 3, ...(after ? { after } : {}) }, deps);
      all.push(...page.items.map((customer) => customer.id));
      if (!page.next) break;
      after = page.next;
    }
    const expected = await dataSource.query('SELECT id FROM customers ORDER BY created_at, id');
    expect(all).toEqual(expected.map((row: { id: string }) => row.id));
    expect(all.length).toBeGreaterThanOrEqual(9);
  });

  it('adds the locale and phone columns under existing accounts, which read as English without a phone', async () => {
    const { upgraded, changed, outbox } = await upgradeKeepsAccounts(await postgres.createDatabase('identity_upgrade'));
    expect(upgraded).toEqual(expect.objectContaining({ name: 'Old Account', locale: 'en', phone: null }));
    expect(changed).toEqual(expect.objectContaining({ locale: 'de', phone: '+491701234567' }));
    expect(outbox.map(({ topic, data }) => [topic, data])).toEqual([
      ['customers.customer-updated', expect.objectContaining({ customerId: upgraded?.id, locale: 'de' })],
    ]);
  });
});
