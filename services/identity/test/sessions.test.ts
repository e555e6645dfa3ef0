import { setTimeout as sleep } from 'node:timers/promises';
import type { Mesh } from '@shop/kit';
import jwt from 'jsonwebtoken';
import { type IdentityPlatform, startIdentity, uniqueEmail } from './support/identity-platform';

const sessionCheckSeconds = 1;
let platform: IdentityPlatform;
let orders: Mesh;

beforeAll(async () => {
  platform = await startIdentity({ SESSION_CHECK_SECONDS: String(sessionCheckSeconds) });
  // Another service's view: session checks come by service invocation.
  orders = platform.bus.meshFor('orders');
});
afterAll(() => platform.shutdown());

const sessionOf = (accessToken: string) => (jwt.decode(accessToken) as { sid: string }).sid;
const askIdentity = (sid: string) => orders.invoke('identity', `/internal/sessions/${sid}`, { method: 'GET' });

async function loggedIn() {
  const account = await platform.register(uniqueEmail());
  return { ...account, ...(await platform.login(account.email, account.password)) };
}

/** Polls until the access token is refused, answering how long that took after `since`. */
async function refusedWithin(accessToken: string, since: number, limitMs: number): Promise<number> {
  while (Date.now() - since < limitMs) {
    if ((await platform.get('/api/customers/me', accessToken)).status === 401) return Date.now() - since;
    await sleep(100);
  }
  throw new Error(`access token still accepted ${limitMs} ms later`);
}

describe('the login an access token belongs to (sid)', () => {
  it('is the refresh-token family: a refreshed pair keeps it, a new login gets another', async () => {
    const me = await loggedIn();
    const refreshed = await platform.post('/api/auth/refresh', { refreshToken: me.refreshToken });
    const pair = (await refreshed.json()) as { accessToken: string };
    expect(sessionOf(pair.accessToken)).toBe(sessionOf(me.accessToken));
    const again = await platform.login(me.email, me.password);
    expect(sessionOf(again.accessToken)).not.toBe(sessionOf(me.accessToken));
  });

  it('is issued for 15 minutes with exp and iat', async () => {
    const me = await loggedIn();
    const claims = jwt.decode(me.accessToken) as { exp: number; iat: number };
    expect(claims.exp - claims.iat).toBe(900);
    expect(me.expiresIn).toBe(900);
  });
});

describe('GET /internal/sessions/:sid', () => {
  it('answers 200 with the customer while the login is live, 404 once logged out', async () => {
    const me = await loggedIn();
    const sid = sessionOf(me.accessToken);
    const live = await askIdentity(sid);
    expect(live).toEqual(expect.objectContaining({ status: 200, body: { customerId: me.id, active: true } }));
    expect((await platform.post('/api/auth/logout', { refreshToken: me.refreshToken })).status).toBe(204);
    expect((await askIdentity(sid)).status).toBe(404);
  });

  it('answers 404 once the refresh token is reused (the family is revoked)', async () => {
    const me = await loggedIn();
    expect((await platform.post('/api/auth/refresh', { refreshToken: me.refreshToken })).status).toBe(200);
    expect((await platform.post('/api/auth/refresh', { refreshToken: me.refreshToken })).status).toBe(401);
    expect((await askIdentity(sessionOf(me.accessToken))).status).toBe(404);
  });

  it('answers 404 once the account is deleted, and for sessions it never had', async () => {
    const me = await loggedIn();
    expect((await platform.send('DELETE', '/api/customers/me', undefined, me.accessToken)).status).toBe(204);
    expect((await askIdentity(sessionOf(me.accessToken))).status).toBe(404);
    expect((await askIdentity('00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('names a malformed id with 400, and is not on the public origin', async () => {
    const bad = await askIdentity('not%20an%20id');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('params.sid');
    expect((await platform.get(`/internal/sessions/${sessionOf((await loggedIn()).accessToken)}`)).status).toBe(404);
  });
});

describe("identity's own routes", () => {
  it(`refuse an access token within SESSION_CHECK_SECONDS (${sessionCheckSeconds} s) of its logout`, async () => {
    const me = await loggedIn();
    expect((await platform.get('/api/customers/me', me.accessToken)).status).toBe(200);
    const loggedOutAt = Date.now();
    expect((await platform.post('/api/auth/logout', { refreshToken: me.refreshToken })).status).toBe(204);
    const tookMs = await refusedWithin(me.accessToken, loggedOutAt, sessionCheckSeconds * 1000 + 1_000);
    expect(tookMs).toBeLessThanOrEqual(sessionCheckSeconds * 1000 + 500);
  });

  it('refuse a token whose login was ended by a password change', async () => {
    const me = await loggedIn();
    const changed = await platform.post(
      '/api/customers/me/password',
      { currentPassword: me.password, newPassword: 'difference engine 1822' },
      me.accessToken,
    );
    expect(changed.status).toBe(204);
    await refusedWithin(me.accessToken, Date.now(), sessionCheckSeconds * 1000 + 1_000);
  });
});
