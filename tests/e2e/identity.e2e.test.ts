import { randomUUID } from 'node:crypto';
import { json } from '@shop/testkit/src/listen';
import { adminToken, bearer, logIn, newCustomer, postJson } from './support/accounts';
import { baseUrl } from './support/base-url';

const get = (path: string, token?: string) => fetch(`${baseUrl()}${path}`, { headers: token ? bearer(token) : {} });
const send = (method: string, path: string, token: string, body: unknown) =>
  fetch(`${baseUrl()}${path}`, {
    method,
    headers: { ...bearer(token), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('identity and customers (CONTRACT.md)', () => {
  it('POST /api/auth/register answers 201 with the account, 409 when the email exists', async () => {
    const email = `e2e-${randomUUID()}@example.com`;
    const res = await postJson('/api/auth/register', { email, password: 'a long enough passphrase', name: 'Grace' });
    expect(res.status).toBe(201);
    expect(await json(res)).toEqual(
      expect.objectContaining({ id: expect.any(String), email, name: 'Grace', roles: ['customer'] }),
    );
    const again = await postJson('/api/auth/register', { email, password: 'a long enough passphrase', name: 'Grace' });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('POST /api/auth/register answers 400 naming every bad field', async () => {
    const res = await postJson('/api/auth/register', { email: 'nope', password: 'short' });
    expect(res.status).toBe(400);
    const paths = (await json(res)).errors.map((error: { path: string }) => error.path);
    expect(paths).toEqual(expect.arrayContaining(['body.email', 'body.name']));
  });

  it('POST /api/auth/login answers a token pair, 401 on bad credentials', async () => {
    const customer = await newCustomer();
    const pair = await logIn(customer.email, customer.password);
    expect(pair).toEqual({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      tokenType: 'Bearer',
      expiresIn: 900,
      refreshExpiresIn: expect.any(Number),
    });
    expect((await postJson('/api/auth/login', { email: customer.email, password: 'wrong password!' })).status).toBe(
      401,
    );
  });

  it('POST /api/auth/refresh rotates; a reused refresh token is 401 and revokes its family', async () => {
    const customer = await newCustomer();
    const res = await postJson('/api/auth/refresh', { refreshToken: customer.refreshToken });
    expect(res.status).toBe(200);
    const next = await json(res);
    expect(next.tokenType).toBe('Bearer');
    expect((await postJson('/api/auth/refresh', { refreshToken: customer.refreshToken })).status).toBe(401);
    expect((await postJson('/api/auth/refresh', { refreshToken: next.refreshToken })).status).toBe(401);
  });

  it('GET /api/auth/jwks lists RS256 signing keys with their kid', async () => {
    const jwks = await json(await get('/api/auth/jwks'));
    expect(jwks.keys.length).toBeGreaterThan(0);
    for (const key of jwks.keys)
      expect(key).toEqual(expect.objectContaining({ kty: 'RSA', alg: 'RS256', kid: expect.any(String) }));
  });

  it('GET /api/customers/me answers the caller with addresses; 401 without a token', async () => {
    const customer = await newCustomer('Katherine Johnson');
    const res = await get('/api/customers/me', customer.accessToken);
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual(
      expect.objectContaining({
        id: customer.id,
        email: customer.email,
        name: 'Katherine Johnson',
        roles: ['customer'],
        addresses: [],
      }),
    );
    expect((await get('/api/customers/me')).status).toBe(401);
  });

  it('PATCH /api/customers/me changes the language and phone number; a bad one is 400 naming the field', async () => {
    const customer = await newCustomer('Grace Hopper');
    expect(await json(await get('/api/customers/me', customer.accessToken))).toEqual(
      expect.objectContaining({ locale: 'en', phone: null }),
    );
    const changed = await send('PATCH', '/api/customers/me', customer.accessToken, {
      locale: 'de',
      phone: '+49 170 1234567',
    });
    expect(changed.status).toBe(200);
    expect(await json(await get('/api/customers/me', customer.accessToken))).toEqual(
      expect.objectContaining({ name: 'Grace Hopper', locale: 'de', phone: '+491701234567' }),
    );
    const bad = await send('PATCH', '/api/customers/me', customer.accessToken, { phone: '0170 1234567' });
    expect(bad.status).toBe(400);
    expect((await json(bad)).errors).toEqual([expect.objectContaining({ path: 'body.phone' })]);
  });

  it("keeps a customer out of another customer's addresses (404) and out of admin routes (403)", async () => {
    const owner = await newCustomer();
    const intruder = await newCustomer();
    const created = await postJson(
      '/api/customers/me/addresses',
      { line1: '1 Infinite Loop', city: 'Cupertino', postalCode: '95014', country: 'US' },
      bearer(owner.accessToken),
    );
    expect(created.status).toBe(201);
    const address = await json(created);
    expect((await get(`/api/customers/me/addresses/${address.id}`, intruder.accessToken)).status).toBe(404);
    expect((await get(`/api/customers/${owner.id}`, intruder.accessToken)).status).toBe(403);
    expect((await get(`/api/customers/${owner.id}`, await adminToken())).status).toBe(200);
  });

  it('throttles repeated failed logins of one account with 429 and Retry-After', async () => {
    const customer = await newCustomer();
    let last: Response | undefined;
    for (let i = 0; i < 6; i++)
      last = await postJson('/api/auth/login', { email: customer.email, password: `wrong ${i} password` });
    expect(last?.status).toBe(429);
    expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
