import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { createDataSource } from '@shop/kit';
import jwt from 'jsonwebtoken';
import { identityEntities, SigningKeyEntity } from '../src/infrastructure/entities';
import { identityMigrations } from '../src/infrastructure/migrations';
import { type IdentityPlatform, startIdentity, uniqueEmail } from './support/identity-platform';

let platform: IdentityPlatform;
let realKey: { kid: string; key: KeyObject };
let customerId: string;
let sessionId: string;

beforeAll(async () => {
  platform = await startIdentity();
  const account = await platform.register(uniqueEmail());
  customerId = account.id;
  // A live login, whose id the forgeries carry as identity would: the signature is what they get wrong.
  const { accessToken } = await platform.login(account.email, account.password);
  sessionId = (jwt.decode(accessToken) as { sid: string }).sid;
  // The service's own private key, read from its database, forges tokens whose signature is valid.
  const dataSource = createDataSource(`sqlite:${join(platform.dataDir, 'identity.sqlite')}`, {
    entities: identityEntities,
    migrations: identityMigrations,
  });
  await dataSource.initialize();
  const row = await dataSource.getRepository(SigningKeyEntity).findOneByOrFail({});
  realKey = { kid: row.kid, key: createPrivateKey(row.privateKey) };
  await dataSource.destroy();
});
afterAll(() => platform.shutdown());

const claims = () => ({ email: 'x@example.com', roles: ['customer', 'admin'], sid: sessionId });
const valid = (options: jwt.SignOptions = {}) =>
  jwt.sign(claims(), realKey.key, {
    algorithm: 'RS256',
    keyid: realKey.kid,
    issuer: 'shop-identity',
    audience: 'shop',
    subject: customerId,
    expiresIn: 900,
    ...options,
  });

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

const forgeries: Array<[string, () => string]> = [
  [
    'alg none',
    () =>
      `${base64url({ alg: 'none', typ: 'JWT', kid: realKey.kid })}.${base64url({ sub: customerId, iss: 'shop-identity', aud: 'shop', exp: Math.floor(Date.now() / 1000) + 900, roles: ['admin'] })}.`,
  ],
  [
    'HS256 signed with the published RSA public key',
    () => {
      const publicPem = createPublicKey(realKey.key).export({ format: 'pem', type: 'spki' }).toString();
      return jwt.sign(claims(), Buffer.from(publicPem), {
        algorithm: 'HS256',
        keyid: realKey.kid,
        issuer: 'shop-identity',
        audience: 'shop',
        subject: customerId,
        expiresIn: 900,
      });
    },
  ],
  [
    'a tampered payload',
    () => {
      const [header, , signature] = valid().split('.');
      return `${header}.${base64url({ sub: customerId, roles: ['admin'], iss: 'shop-identity', aud: 'shop', exp: Math.floor(Date.now() / 1000) + 9000 })}.${signature}`;
    },
  ],
  ['an expired token', () => valid({ expiresIn: -10 })],
  ['a wrong issuer', () => valid({ issuer: 'someone-else' })],
  ['a wrong audience', () => valid({ audience: 'another-api' })],
  [
    'an unknown kid',
    () => {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      return jwt.sign(claims(), privateKey, {
        algorithm: 'RS256',
        keyid: 'not-a-known-key',
        issuer: 'shop-identity',
        audience: 'shop',
        subject: customerId,
        expiresIn: 900,
      });
    },
  ],
  [
    'another key under the real kid',
    () => {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      return jwt.sign(claims(), privateKey, {
        algorithm: 'RS256',
        keyid: realKey.kid,
        issuer: 'shop-identity',
        audience: 'shop',
        subject: customerId,
        expiresIn: 900,
      });
    },
  ],
  [
    'no kid',
    () =>
      jwt.sign(claims(), realKey.key, {
        algorithm: 'RS256',
        issuer: 'shop-identity',
        audience: 'shop',
        subject: customerId,
        expiresIn: 900,
      }),
  ],
];

describe('access tokens the identity service did not issue as they are', () => {
  it('a correctly signed token passes (the forgeries below differ from it in one way each)', async () => {
    expect((await platform.get('/api/customers/me', valid())).status).toBe(200);
  });

  it.each(forgeries)('%s is refused with 401', async (_name, forge) => {
    const token = forge();
    for (const path of ['/api/customers/me', '/api/customers']) {
      const res = await platform.get(path, token);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('invalid_token');
    }
  });
});
