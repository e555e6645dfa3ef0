import { createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { json } from '@shop/testkit/src/listen';
import jwt from 'jsonwebtoken';
import { adminToken, bearer, logIn, newCustomer, postJson } from './support/accounts';
import { baseUrl } from './support/base-url';
import { payment, productWithStock, shippingAddress } from './support/shop';
import { e2eSessionCheckSeconds } from './support/topology';

/** Every route that needs a token, across services: each must refuse every forgery. Grows with the platform. */
const protectedRoutes: Array<{ method: string; path: string }> = [
  { method: 'GET', path: '/api/customers/me' },
  { method: 'GET', path: '/api/customers' },
  { method: 'POST', path: '/api/auth/keys/rotate' },
  { method: 'GET', path: '/api/orders' },
  { method: 'POST', path: '/api/orders' },
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

/** SESSION_CHECK_SECONDS of the topology under test (an external one says its own). */
const sessionCheckSeconds = Number(process.env.E2E_SESSION_CHECK_SECONDS ?? e2eSessionCheckSeconds);
// Polling, the request's own time and, in the Dapr topology, a sidecar hop on two busy cores.
const revocationBoundMs = sessionCheckSeconds * 1000 + 1_500;

const send = (method: string, path: string, token: string, body?: unknown) =>
  fetch(`${baseUrl()}${path}`, {
    method,
    headers: { ...bearer(token), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

/** Milliseconds from `since` until GET `path` refuses the token with 401; fails past the bound. */
async function refusedAfter(token: string, since: number, path = '/api/orders'): Promise<number> {
  while (Date.now() - since < revocationBoundMs + 3_000) {
    const res = await send('GET', path, token);
    if (res.status === 401) return Date.now() - since;
    expect(res.status).toBe(200);
    await sleep(100);
  }
  throw new Error(`GET ${path} still accepts the token ${revocationBoundMs + 3_000} ms later`);
}

describe('an access token stops working when its login ends', () => {
  it(`after the account is deleted: GET and POST /api/orders answer 401 within SESSION_CHECK_SECONDS`, async () => {
    const productId = await productWithStock(5);
    const customer = await newCustomer();
    const order = { items: [{ productId, quantity: 1 }], shippingAddress, payment: payment() };
    expect((await send('POST', '/api/orders', customer.accessToken, order)).status).toBe(202);
    expect((await send('GET', '/api/orders', customer.accessToken)).status).toBe(200);

    const deletedAt = Date.now();
    expect((await send('DELETE', '/api/customers/me', customer.accessToken)).status).toBe(204);
    const tookMs = await refusedAfter(customer.accessToken, deletedAt);
    expect(tookMs).toBeLessThanOrEqual(revocationBoundMs);
    const placed = await send('POST', '/api/orders', customer.accessToken, order);
    expect(placed.status).toBe(401);
    expect(placed.headers.get('www-authenticate')).toContain('invalid_token');
  });

  it('after logout', async () => {
    const customer = await newCustomer();
    expect((await send('GET', '/api/orders', customer.accessToken)).status).toBe(200);
    const loggedOutAt = Date.now();
    expect((await postJson('/api/auth/logout', { refreshToken: customer.refreshToken })).status).toBe(204);
    expect(await refusedAfter(customer.accessToken, loggedOutAt)).toBeLessThanOrEqual(revocationBoundMs);
    expect((await send('GET', '/api/customers/me', customer.accessToken)).status).toBe(401);
  });

  it('after its refresh token is reused: every access token of that login', async () => {
    const customer = await newCustomer();
    const refreshed = await postJson('/api/auth/refresh', { refreshToken: customer.refreshToken });
    expect(refreshed.status).toBe(200);
    const { accessToken } = await json(refreshed);
    expect((await send('GET', '/api/orders', accessToken)).status).toBe(200);
    const reusedAt = Date.now();
    expect((await postJson('/api/auth/refresh', { refreshToken: customer.refreshToken })).status).toBe(401);
    expect(await refusedAfter(accessToken, reusedAt)).toBeLessThanOrEqual(revocationBoundMs);
    expect((await send('GET', '/api/orders', customer.accessToken)).status).toBe(401);
    // Another login of the same account goes on.
    const other = await logIn(customer.email, customer.password);
    expect((await send('GET', '/api/orders', other.accessToken)).status).toBe(200);
  });
});

describe('signing key rotation under a spray of unknown key ids', () => {
  // The kit refetches the JWKS for unknown kids at most once per 5 s, whoever asks.
  const unknownKidRefetchMs = 5_000;

  it('accepts a token of the freshly rotated key within the refetch interval', async () => {
    const customer = await newCustomer();
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const sprayed = () =>
      jwt.sign({ roles: ['customer'], sid: randomUUID() }, privateKey, {
        algorithm: 'RS256',
        keyid: `spray-${randomUUID()}`,
        subject: customer.id,
        expiresIn: 600,
      });
    const spray = () =>
      Promise.all(
        ['/api/orders', '/api/customers/me'].flatMap((path) =>
          Array.from({ length: 12 }, async () => expect((await send('GET', path, sprayed())).status).toBe(401)),
        ),
      );
    await spray(); // more than jwks-rsa's budget of 10 a minute, on two services

    const rotated = await send('POST', '/api/auth/keys/rotate', await adminToken());
    expect(rotated.status).toBe(201);
    const { kid } = await json(rotated);
    const rotatedAt = Date.now();
    await spray();
    const fresh = await logIn(customer.email, customer.password);
    expect(jwt.decode(fresh.accessToken, { complete: true })?.header.kid).toBe(kid);

    const acceptedAfter = async (path: string) => {
      while (Date.now() - rotatedAt < unknownKidRefetchMs + 10_000) {
        await spray();
        if ((await send('GET', path, fresh.accessToken)).status === 200) return Date.now() - rotatedAt;
        await sleep(200);
      }
      throw new Error(`GET ${path} refused the rotated key's token for too long`);
    };
    const took = await Promise.all([acceptedAfter('/api/orders'), acceptedAfter('/api/customers/me')]);
    for (const ms of took) expect(ms).toBeLessThanOrEqual(unknownKidRefetchMs + 2_500);
    // Tokens of the previous key stay valid until they expire.
    expect((await send('GET', '/api/orders', customer.accessToken)).status).toBe(200);
  });
});
