import { type EventEnvelope, topics } from '@shop/contracts';
import { json } from '@shop/testkit/src/listen';
import jwt from 'jsonwebtoken';
import { type IdentityPlatform, startIdentity, testAdmin, uniqueEmail } from './support/identity-platform';

let platform: IdentityPlatform;
const registered: EventEnvelope[] = [];

beforeAll(async () => {
  platform = await startIdentity({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '3' });
  platform.bus.register('recorder', {
    subscriptions: [
      {
        topic: topics.customerRegistered,
        handle: async (event) => {
          registered.push(event);
          return 'success';
        },
      },
    ],
  });
});
afterAll(() => platform.shutdown());

describe('registration', () => {
  it('creates a customer and announces it', async () => {
    const email = uniqueEmail();
    const res = await platform.post('/api/auth/register', { email, password: 'analytical engine 1843', name: ' Ada ' });
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(body).toEqual(expect.objectContaining({ email, name: 'Ada', roles: ['customer'] }));
    expect(body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body).not.toHaveProperty('passwordHash');
    await platform.bus.drain();
    expect(registered.map((event) => event.data)).toContainEqual(
      expect.objectContaining({ customerId: body.id, email, name: 'Ada' }),
    );
  });

  it('answers 409 for an email that exists, whatever its case', async () => {
    const email = uniqueEmail();
    await platform.register(email);
    const res = await platform.post('/api/auth/register', {
      email: email.toUpperCase(),
      password: 'another long passphrase',
      name: 'Someone',
    });
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('names every bad field', async () => {
    const res = await platform.post('/api/auth/register', { email: 'not-an-email', password: '', extra: 1 });
    expect(res.status).toBe(400);
    const paths = (await json(res)).errors.map((error: { path: string }) => error.path);
    expect(paths).toEqual(expect.arrayContaining(['body.email', 'body.password', 'body.name', 'body.extra']));
  });

  it('explains a weak password on the password field', async () => {
    const res = await platform.post('/api/auth/register', {
      email: uniqueEmail(),
      password: 'password123',
      name: 'Ada',
    });
    expect(res.status).toBe(400);
    expect((await json(res)).errors).toEqual([{ path: 'body.password', message: 'is too common' }]);
  });
});

describe('login', () => {
  it('issues an RS256 access token with kid, issuer, audience and a 15-minute lifetime', async () => {
    const { id, email, password } = await platform.register(uniqueEmail());
    const res = await platform.post('/api/auth/login', { email, password });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await json(res);
    expect(body).toEqual({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      tokenType: 'Bearer',
      expiresIn: 900,
      refreshExpiresIn: 30 * 86_400,
    });
    const decoded = jwt.decode(body.accessToken, { complete: true });
    const jwks = await json(await platform.get('/api/auth/jwks'));
    expect(decoded?.header).toEqual(expect.objectContaining({ alg: 'RS256', kid: jwks.keys[0].kid }));
    expect(decoded?.payload).toEqual(
      expect.objectContaining({ sub: id, email, roles: ['customer'], iss: 'shop-identity', aud: 'shop' }),
    );
    const payload = decoded?.payload as jwt.JwtPayload;
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(900);
  });

  it('answers 401 alike for a wrong password and an unknown email', async () => {
    const { email } = await platform.register(uniqueEmail());
    const wrong = await platform.post('/api/auth/login', { email, password: 'not the password' });
    const unknown = await platform.post('/api/auth/login', {
      email: uniqueEmail('nobody'),
      password: 'whatever it is',
    });
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect((await json(wrong)).detail).toBe((await json(unknown)).detail);
  });

  it('throttles an account after repeated failures, even for the right password, with Retry-After', async () => {
    const { email, password } = await platform.register(uniqueEmail());
    for (let i = 0; i < 3; i++) {
      expect((await platform.post('/api/auth/login', { email, password: `wrong password ${i}` })).status).toBe(401);
    }
    const blocked = await platform.post('/api/auth/login', { email, password });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(800);
    expect((await json(blocked)).status).toBe(429);
    // Another account from the same address is not locked out by it.
    const other = await platform.register(uniqueEmail());
    expect((await platform.post('/api/auth/login', { email: other.email, password: other.password })).status).toBe(200);
  });

  it('counts a burst of parallel guesses in full', async () => {
    const { email } = await platform.register(uniqueEmail());
    const statuses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        platform.post('/api/auth/login', { email, password: `guess number ${i}` }).then((res) => res.status),
      ),
    );
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(3);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(7);
  });

  it('lets the configured admin in with the admin role', async () => {
    const { accessToken } = await platform.login(testAdmin.email, testAdmin.password);
    expect((jwt.decode(accessToken) as jwt.JwtPayload).roles).toEqual(['admin']);
  });
});

describe('login throttling by address', () => {
  let proxied: IdentityPlatform;
  beforeAll(async () => {
    // Behind one proxy, as under the gateway: the client address is the last X-Forwarded-For entry.
    proxied = await startIdentity({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '3', TRUSTED_PROXY_HOPS: '1' });
  });
  afterAll(() => proxied.shutdown());

  const loginFrom = (address: string, email: string, password: string) =>
    fetch(`${proxied.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
      body: JSON.stringify({ email, password }),
    });

  it('holds back the attacking address, never the owner elsewhere', async () => {
    const { email, password } = await proxied.register(uniqueEmail());
    const attacker = '203.0.113.7';
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await loginFrom(attacker, email, `guess ${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429]);

    const owner = await loginFrom('198.51.100.20', email, password);
    expect(owner.status).toBe(200);
    const attackerAgain = await loginFrom(attacker, email, password);
    expect(attackerAgain.status).toBe(429);
    expect(Number(attackerAgain.headers.get('retry-after'))).toBeGreaterThan(800);
  });

  it('gives each further address one guess once the account is under attack', async () => {
    const { email, password } = await proxied.register(uniqueEmail());
    // Spread over many addresses: each stays under the per-account limit on its own.
    for (let i = 0; i < 4; i++) expect((await loginFrom(`192.0.2.${i}`, email, 'wrong guess')).status).toBe(401);
    const second = await loginFrom('192.0.2.0', email, 'another guess');
    expect(second.status).toBe(429);
    expect((await loginFrom('192.0.2.99', email, 'a fresh guess')).status).toBe(401);
    expect((await loginFrom('192.0.2.99', email, password)).status).toBe(429);
    expect((await loginFrom('198.51.100.21', email, password)).status).toBe(200);
  });
});

describe('refresh tokens', () => {
  it('rotate on every use', async () => {
    const { email, password } = await platform.register(uniqueEmail());
    const first = await platform.login(email, password);
    const res = await platform.post('/api/auth/refresh', { refreshToken: first.refreshToken });
    expect(res.status).toBe(200);
    const second = await json(res);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect((await platform.get('/api/customers/me', second.accessToken)).status).toBe(200);
  });

  it('revoke the whole family when a used token comes back', async () => {
    const { email, password } = await platform.register(uniqueEmail());
    const first = await platform.login(email, password);
    const second = await json(await platform.post('/api/auth/refresh', { refreshToken: first.refreshToken }));
    const replay = await platform.post('/api/auth/refresh', { refreshToken: first.refreshToken });
    expect(replay.status).toBe(401);
    expect((await json(replay)).detail).toMatch(/already used/);
    // The thief's replay also ends the legitimate holder's newer token.
    expect((await platform.post('/api/auth/refresh', { refreshToken: second.refreshToken })).status).toBe(401);
    // Other logins of the same account are other families and keep working.
    const other = await platform.login(email, password);
    expect((await platform.post('/api/auth/refresh', { refreshToken: other.refreshToken })).status).toBe(200);
  });

  it('works even when the expired access token is still sent along', async () => {
    const { email, password } = await platform.register(uniqueEmail());
    const session = await platform.login(email, password);
    const res = await platform.post('/api/auth/refresh', { refreshToken: session.refreshToken }, 'expired.or.garbage');
    expect(res.status).toBe(200);
  });

  it('answer 401 for a token that was never issued', async () => {
    expect((await platform.post('/api/auth/refresh', { refreshToken: 'made-up' })).status).toBe(401);
  });

  it('stop working after logout', async () => {
    const { email, password } = await platform.register(uniqueEmail());
    const session = await platform.login(email, password);
    expect((await platform.post('/api/auth/logout', { refreshToken: session.refreshToken })).status).toBe(204);
    expect((await platform.post('/api/auth/refresh', { refreshToken: session.refreshToken })).status).toBe(401);
    expect((await platform.post('/api/auth/logout', { refreshToken: session.refreshToken })).status).toBe(204);
  });
});

describe('signing key rotation', () => {
  it('is for admins, signs new tokens with the new key and keeps old tokens valid', async () => {
    const { email, password } = await platform.register(uniqueEmail());
    const customer = await platform.login(email, password);
    expect((await platform.post('/api/auth/keys/rotate', {}, customer.accessToken)).status).toBe(403);

    const admin = await platform.login(testAdmin.email, testAdmin.password);
    const rotated = await platform.post('/api/auth/keys/rotate', {}, admin.accessToken);
    expect(rotated.status).toBe(201);
    const { kid } = await json(rotated);
    const jwks = await json(await platform.get('/api/auth/jwks'));
    expect(jwks.keys.map((key: { kid: string }) => key.kid)).toContain(kid);
    expect(jwks.keys.length).toBeGreaterThanOrEqual(2);

    const fresh = await platform.login(email, password);
    expect(jwt.decode(fresh.accessToken, { complete: true })?.header.kid).toBe(kid);
    expect((await platform.get('/api/customers/me', fresh.accessToken)).status).toBe(200);
    expect((await platform.get('/api/customers/me', customer.accessToken)).status).toBe(200);
  });
});
