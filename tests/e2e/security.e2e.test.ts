import { createHash, createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { json } from '@shop/testkit/src/listen';
import { rawExchange } from '@shop/testkit/src/raw-http';
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
  { method: 'GET', path: '/api/cart' },
  { method: 'POST', path: '/api/cart/checkout' },
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

/** A POST with exactly these headers and body bytes (node:http sends Content-Encoding as given). */
function rawPost(path: string, headers: Record<string, string>, body: Buffer | string) {
  return new Promise<{ status: number; contentType: string; body: string }>((resolve, reject) => {
    const req = request(`${baseUrl()}${path}`, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type'] ?? ''),
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function expectInvalid(res: Response, paths: string[]) {
  const body = await res.text();
  expect({ status: res.status, contentType: res.headers.get('content-type') }).toEqual({
    status: 400,
    contentType: expect.stringMatching(/^application\/problem\+json/),
  });
  expect((JSON.parse(body) as { errors: Array<{ path: string }> }).errors.map((e) => e.path).sort()).toEqual(
    [...paths].sort(),
  );
}

const sendJson = (method: string, path: string, body: unknown, token?: string) =>
  fetch(`${baseUrl()}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? bearer(token) : {}) },
    body: JSON.stringify(body),
  });

describe('NUL and other control characters are refused with 400 naming the field, on any database', () => {
  it('in an anonymous registration', async () => {
    const res = await postJson('/api/auth/register', {
      email: `nul-${randomUUID()}@example.com`,
      password: 'correct horse battery',
      name: 'Ada\u0000',
    });
    await expectInvalid(res, ['body.name']);
  });

  it('in a search query and a path parameter', async () => {
    await expectInvalid(await fetch(`${baseUrl()}/api/products?q=%00`), ['query.q']);
    await expectInvalid(await fetch(`${baseUrl()}/api/products?q=mug%1b`), ['query.q']);
    await expectInvalid(await fetch(`${baseUrl()}/api/products/%00`), ['params.id']);
  });

  it("in a customer's address lines", async () => {
    const customer = await newCustomer();
    const res = await sendJson(
      'POST',
      '/api/customers/me/addresses',
      { line1: '1 Road\u0000', line2: 'Flat\u0007', city: 'Leeds', postalCode: 'LS1 1AA', country: 'GB' },
      customer.accessToken,
    );
    await expectInvalid(res, ['body.line1', 'body.line2']);
  });

  it("in an admin's product and a tracking number", async () => {
    const admin = await adminToken();
    const product = await sendJson(
      'POST',
      '/api/products',
      {
        sku: `NUL-${randomUUID()}\u0000`,
        name: 'Mug\u0001',
        description: 'Two lines\nand a tab\tare fine',
        price: { amount: 100, currency: 'EUR' },
        categoryId: randomUUID(),
      },
      admin,
    );
    await expectInvalid(product, ['body.sku', 'body.name']);
    const ship = await sendJson('POST', `/api/orders/${randomUUID()}/ship`, { trackingNumber: 'TRK\u0000' }, admin);
    await expectInvalid(ship, ['body.trackingNumber']);
  });
});

describe('cursors that do not decode to valid values are 400 naming query.cursor on every list', () => {
  const timeCursor = (at: unknown, id: unknown) => Buffer.from(JSON.stringify([at, id])).toString('base64url');
  const productCursor = (payload: unknown[]) => {
    const text = JSON.stringify(payload);
    const digest = createHash('sha256').update(text).digest('base64url').slice(0, 12);
    return `${Buffer.from(text).toString('base64url')}.${digest}`;
  };
  const id = randomUUID();
  const badTimeCursors = [
    timeCursor('+275760-09-13T00:00:00.000Z', id),
    timeCursor('-000001-01-01T00:00:00.000Z', id),
    timeCursor('2026-01-01T00:00:00.000Z', '\u0000'),
    timeCursor('2026-01-01T00:00:00.000Z', `${id.slice(0, 35)}\u0000`),
    timeCursor('2026-01-01T00:00:00.000Z', 'x'.repeat(36)),
    'not-a-cursor',
    '%00',
  ];

  it.each([
    ['/api/orders', 'customer'],
    ['/api/payments', 'customer'],
    ['/api/customers', 'admin'],
  ])('%s', async (path, who) => {
    const token = who === 'admin' ? await adminToken() : (await newCustomer()).accessToken;
    for (const cursor of badTimeCursors) {
      const res = await fetch(`${baseUrl()}${path}?cursor=${cursor}`, { headers: bearer(token) });
      expect({ cursor, status: res.status }).toEqual({ cursor, status: 400 });
      expect((await json(res)).errors).toEqual([{ path: 'query.cursor', message: expect.any(String) }]);
    }
  });

  it('/api/inventory', async () => {
    const token = await adminToken();
    const cursors = [Buffer.from(`${id.slice(0, 35)}\u0000`).toString('base64url'), 'AA', '%00'];
    for (const cursor of cursors) {
      const res = await fetch(`${baseUrl()}/api/inventory?cursor=${cursor}`, { headers: bearer(token) });
      expect({ cursor, status: res.status }).toEqual({ cursor, status: 400 });
      expect((await json(res)).errors[0].path).toBe('query.cursor');
    }
  });

  it('/api/products, with cursors forged past their digest', async () => {
    const cases: Array<[string, string]> = [
      ['-createdAt', productCursor(['-createdAt', '+275760-09-13T00:00:00.000Z', id])],
      ['name', productCursor(['name', 'mug\u0000', id])],
      ['price', productCursor(['price', 2 ** 40, id])],
      ['price', productCursor(['price', 5, `${id.slice(0, 35)}\u0000`])],
    ];
    for (const [sort, cursor] of cases) {
      const res = await fetch(`${baseUrl()}/api/products?sort=${sort}&cursor=${cursor}`);
      expect({ cursor, status: res.status }).toEqual({ cursor, status: 400 });
      expect((await json(res)).errors[0].path).toBe('query.cursor');
    }
    await expectInvalid(await fetch(`${baseUrl()}/api/products?minPrice=${2 ** 40}`), ['query.minPrice']);
  });
});

describe('Content-Encoding on a JSON POST', () => {
  const registration = () =>
    JSON.stringify({ email: `enc-${randomUUID()}@example.com`, password: 'correct horse battery', name: 'Ada' });

  it.each(['gzip', 'deflate', 'br'])('a plain body labelled %s is 400, not 500', async (encoding) => {
    const res = await rawPost(
      '/api/auth/register',
      { 'content-type': 'application/json', 'content-encoding': encoding },
      registration(),
    );
    expect({ status: res.status, contentType: res.contentType }).toEqual({
      status: 400,
      contentType: expect.stringMatching(/^application\/problem\+json/),
    });
  });

  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
  ])('a real %s body is inflated and read', async (encoding, compress) => {
    const res = await rawPost(
      '/api/auth/register',
      { 'content-type': 'application/json', 'content-encoding': encoding },
      compress(Buffer.from(registration())),
    );
    expect(res.status).toBe(201);
  });

  it('an encoding the platform does not know is 415', async () => {
    const res = await rawPost(
      '/api/auth/register',
      { 'content-type': 'application/json', 'content-encoding': 'compress' },
      registration(),
    );
    expect({ status: res.status, contentType: res.contentType }).toEqual({
      status: 415,
      contentType: expect.stringMatching(/^application\/problem\+json/),
    });
  });
});

describe('requests refused before any service sees them answer problem documents', () => {
  it('an oversized header is 431', async () => {
    const response = await rawExchange(
      baseUrl(),
      `GET /api/products HTTP/1.1\r\nHost: shop\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expect(response.status).toBe(431);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(response.body)).toMatchObject({ status: 431 });
  });

  it('a malformed request is 400', async () => {
    const response = await rawExchange(baseUrl(), 'GET /api/products HTTP/1.1\r\nHost: shop\r\nno colon\r\n\r\n');
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect((await fetch(`${baseUrl()}/api/products`)).status).toBe(200);
  });
});

describe('OpenAPI documents', () => {
  it('list no /internal path, for every service', async () => {
    const page = await (await fetch(`${baseUrl()}/docs`)).text();
    const services = [...new Set([...page.matchAll(/\/openapi\/([a-z-]+)\.json/g)].map((match) => match[1]))];
    expect(services).toEqual(expect.arrayContaining(['identity', 'catalog', 'inventory', 'orders', 'payments']));
    for (const service of services) {
      const doc = await json(await fetch(`${baseUrl()}/openapi/${service}.json`));
      const internal = Object.keys(doc.paths ?? {}).filter((path) => path.startsWith('/internal'));
      expect({ service, internal }).toEqual({ service, internal: [] });
    }
  });
});

describe('every route enforces the access its OpenAPI document declares', () => {
  interface DeclaredRoute {
    service: string;
    method: string;
    path: string;
    access: string;
  }
  let routes: DeclaredRoute[];

  beforeAll(async () => {
    const page = await (await fetch(`${baseUrl()}/docs`)).text();
    const services = [...new Set([...page.matchAll(/\/openapi\/([a-z-]+)\.json/g)].map((match) => match[1]))];
    // Every service whose API is declared with the kit's ApiRoutes. The hub's surface (SignalR negotiate, the
    // Azure REST API with its access keys) has guards of its own, tested in services/hub.
    const declared = services.filter((service) => service !== 'hub');
    expect(declared).toEqual(
      expect.arrayContaining(['identity', 'catalog', 'inventory', 'orders', 'payments', 'cart']),
    );
    routes = [];
    for (const service of declared) {
      const doc = await json(await fetch(`${baseUrl()}/openapi/${service}.json`));
      for (const [template, operations] of Object.entries(doc.paths as Record<string, Record<string, object>>)) {
        for (const [method, operation] of Object.entries(operations)) {
          // Any id will do: the guard answers before a handler looks anything up.
          const path = template.replace(/\{\w+\}/g, randomUUID());
          const access = (operation as { 'x-access'?: string })['x-access'] ?? 'undeclared';
          routes.push({ service: service as string, method: method.toUpperCase(), path, access });
        }
      }
    }
  });

  const send = (route: DeclaredRoute, token?: string) =>
    fetch(`${baseUrl()}${route.path}`, {
      method: route.method,
      headers: { 'content-type': 'application/json', ...(token ? bearer(token) : {}) },
      ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { body: '{}' }),
    });
  const statusOf = async (route: DeclaredRoute, token?: string) => {
    const res = await send(route, token);
    await res.arrayBuffer();
    return { route: `${route.method} ${route.path}`, access: route.access, status: res.status };
  };

  it('declares the access of every route', () => {
    expect(routes.length).toBeGreaterThan(20);
    const known = ['anyone', 'signed in', 'customer', 'admin', 'owner or admin'];
    expect(routes.filter((route) => !known.includes(route.access))).toEqual([]);
  });

  it('answers 401 without a token on every route that is not for anyone, and never 401 or 403 on the others', async () => {
    for (const route of routes) {
      const seen = await statusOf(route);
      if (route.access === 'anyone') expect([401, 403]).not.toContain(seen.status);
      else expect(seen).toEqual({ ...seen, status: 401 });
    }
  });

  it('answers 403 to a customer on every admin route, and to an admin without the customer role on every customer route', async () => {
    const customer = await newCustomer();
    const admin = await adminToken();
    const adminRoles = JSON.parse(Buffer.from(admin.split('.')[1] as string, 'base64url').toString()).roles;
    expect(adminRoles).toEqual(['admin']);
    for (const route of routes.filter((route) => route.access === 'admin')) {
      const seen = await statusOf(route, customer.accessToken);
      expect(seen).toEqual({ ...seen, status: 403 });
    }
    for (const route of routes.filter((route) => route.access === 'customer')) {
      const seen = await statusOf(route, admin);
      expect(seen).toEqual({ ...seen, status: 403 });
    }
  });
});
