import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { json } from '@shop/testkit/src/listen';
import jwt from 'jsonwebtoken';
import { newCustomer } from './support/accounts';
import { baseUrl } from './support/base-url';

/** Every route that needs a token, across services: each must refuse every forgery. Grows with the platform. */
const protectedRoutes: Array<{ method: string; path: string }> = [
  { method: 'GET', path: '/api/customers/me' },
  { method: 'GET', path: '/api/customers' },
  { method: 'POST', path: '/api/auth/keys/rotate' },
];

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('forged access tokens are refused with 401 on every protected route', () => {
  let forgeries: Array<[string, string]>;

  beforeAll(async () => {
    const customer = await newCustomer();
    const [header, payload, signature] = customer.accessToken.split('.') as [string, string, string];
    const { kid } = JSON.parse(Buffer.from(header, 'base64url').toString()) as { kid: string };
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const jwks = await json(await fetch(`${baseUrl()}/api/auth/jwks`));
    const publicPem = createPublicKey({ key: jwks.keys.find((key: { kid: string }) => key.kid === kid), format: 'jwk' })
      .export({ format: 'pem', type: 'spki' })
      .toString();
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const elevated = { ...claims, roles: ['customer', 'admin'] };
    forgeries = [
      ['alg none', `${base64url({ alg: 'none', typ: 'JWT', kid })}.${base64url(elevated)}.`],
      [
        'HS256 signed with the published public key',
        jwt.sign(elevated, Buffer.from(publicPem), { algorithm: 'HS256', keyid: kid }),
      ],
      ['a tampered payload', `${header}.${base64url(elevated)}.${signature}`],
      ['an unknown kid', jwt.sign(elevated, privateKey, { algorithm: 'RS256', keyid: 'no-such-key' })],
      ['a foreign key under a known kid', jwt.sign(elevated, privateKey, { algorithm: 'RS256', keyid: kid })],
      ['garbage', 'not.a.jwt'],
    ];
  });

  it.each(protectedRoutes)('$method $path', async ({ method, path }) => {
    for (const [name, token] of forgeries) {
      const res = await fetch(`${baseUrl()}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
      expect({ name, status: res.status }).toEqual({ name, status: 401 });
    }
  });
});
