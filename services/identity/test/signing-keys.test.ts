import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { createDataSource } from '@shop/kit';
import jwt from 'jsonwebtoken';
import type { DataSource } from 'typeorm';
import { identityEntities, SigningKeyEntity } from '../src/infrastructure/entities';
import { identityMigrations } from '../src/infrastructure/migrations';
import { SigningKeyRing } from '../src/infrastructure/signing-keys';

const tokenTtlSeconds = 900;

let dataSource: DataSource;
let nowMs: number;
const clock = { now: () => new Date(nowMs) };

function ring(encryptionSecret?: string) {
  return new SigningKeyRing({
    dataSource,
    clock,
    rotationIntervalSeconds: 30 * 86_400,
    accessTokenTtlSeconds: tokenTtlSeconds,
    refreshIntervalMs: 0,
    ...(encryptionSecret ? { encryptionSecret } : {}),
  });
}

beforeEach(async () => {
  nowMs = Date.parse('2026-11-21T10:00:00Z');
  dataSource = createDataSource('sqlite::memory:', { entities: identityEntities, migrations: identityMigrations });
  await dataSource.initialize();
});
afterEach(() => dataSource.destroy());

describe('the signing key ring', () => {
  it('creates one key on first start and keeps it across restarts', async () => {
    await ring().ensureKey();
    const first = await ring().signingKey();
    await ring().ensureKey();
    expect((await ring().signingKey()).kid).toBe(first.kid);
    expect((await ring().jwks()).keys).toEqual([
      expect.objectContaining({ kty: 'RSA', kid: first.kid, alg: 'RS256', use: 'sig' }),
    ]);
  });

  it('publishes only public halves', async () => {
    await ring().ensureKey();
    const [key] = (await ring().jwks()).keys;
    expect(Object.keys(key ?? {}).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
  });

  it('signs with a rotated key at once and keeps the old one published until its tokens expired', async () => {
    const keys = ring();
    await keys.ensureKey();
    const old = await keys.signingKey();
    const oldToken = jwt.sign({}, old.key, { algorithm: 'RS256', keyid: old.kid, expiresIn: tokenTtlSeconds });

    nowMs += 1_000;
    const newKid = await keys.rotate();
    expect((await keys.signingKey()).kid).toBe(newKid);
    expect((await keys.jwks()).keys.map((key) => key.kid)).toEqual([newKid, old.kid]);
    const published = (await keys.jwks()).keys.find((key) => key.kid === old.kid);
    expect(() => jwt.verify(oldToken, jwkToPem(published), { algorithms: ['RS256'] })).not.toThrow();

    nowMs += (tokenTtlSeconds + 60) * 1000 + 1_000;
    expect((await keys.jwks()).keys.map((key) => key.kid)).toEqual([newKid]);
    await keys.maintain();
    expect(await dataSource.getRepository(SigningKeyEntity).count()).toBe(1);
  });

  it('rotates by itself once the newest key reached the rotation interval', async () => {
    const keys = ring();
    await keys.ensureKey();
    const old = (await keys.signingKey()).kid;
    nowMs += 29 * 86_400_000;
    await keys.maintain();
    expect((await keys.signingKey()).kid).toBe(old);
    nowMs += 86_400_000;
    await keys.maintain();
    expect((await keys.signingKey()).kid).not.toBe(old);
  });

  it('seals private keys at rest and refuses to start with the wrong secret', async () => {
    await ring('a secret of at least thirty-two characters').ensureKey();
    const row = await dataSource.getRepository(SigningKeyEntity).findOneByOrFail({});
    expect(row.privateKey).toMatch(/^aes-256-gcm:/);
    expect(row.privateKey).not.toContain('PRIVATE KEY');
    await expect(ring('another secret of thirty-two characters!').ensureKey()).rejects.toThrow(/JWT_KEYS_SECRET/);
    await expect(ring().ensureKey()).rejects.toThrow(/set JWT_KEYS_SECRET/);
    await expect(ring('a secret of at least thirty-two characters').ensureKey()).resolves.toBeUndefined();
  });
});

function jwkToPem(jwk: JsonWebKey | undefined): string {
  return createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' })
    .export({ format: 'pem', type: 'spki' })
    .toString();
}
