import { json } from '@shop/testkit/src/listen';
import { type IdentityPlatform, startIdentity, testAdmin, uniqueEmail } from './support/identity-platform';

let platform: IdentityPlatform;
let adminToken: string;

beforeAll(async () => {
  platform = await startIdentity();
  adminToken = (await platform.login(testAdmin.email, testAdmin.password)).accessToken;
});
afterAll(() => platform.shutdown());

async function customer(name = 'Ada Lovelace') {
  const account = await platform.register(uniqueEmail(), undefined, name);
  const session = await platform.login(account.email, account.password);
  return { ...account, ...session, token: session.accessToken };
}

const home = { line1: '12 St James Square', city: 'London', postalCode: 'SW1Y 4JH', country: 'gb' };

describe('my profile', () => {
  it('needs a token', async () => {
    const res = await platform.get('/api/customers/me');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('shows my account with my addresses', async () => {
    const me = await customer();
    const res = await platform.get('/api/customers/me', me.token);
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual(
      expect.objectContaining({ id: me.id, email: me.email, name: 'Ada Lovelace', roles: ['customer'], addresses: [] }),
    );
  });

  it('changes my name, and my email only with my password', async () => {
    const me = await customer();
    const renamed = await platform.send('PATCH', '/api/customers/me', { name: 'Augusta Ada King' }, me.token);
    expect((await json(renamed)).name).toBe('Augusta Ada King');

    const newEmail = uniqueEmail('countess');
    const noPassword = await platform.send('PATCH', '/api/customers/me', { email: newEmail }, me.token);
    expect(noPassword.status).toBe(400);
    expect((await json(noPassword)).errors[0].path).toBe('body.currentPassword');
    const wrong = await platform.send(
      'PATCH',
      '/api/customers/me',
      { email: newEmail, currentPassword: 'nope nope nope' },
      me.token,
    );
    expect(wrong.status).toBe(403);
    const ok = await platform.send(
      'PATCH',
      '/api/customers/me',
      { email: newEmail, currentPassword: me.password },
      me.token,
    );
    expect((await json(ok)).email).toBe(newEmail);
    expect((await platform.post('/api/auth/login', { email: newEmail, password: me.password })).status).toBe(200);
  });

  it('refuses an email another account holds', async () => {
    const me = await customer();
    const other = await customer();
    const res = await platform.send(
      'PATCH',
      '/api/customers/me',
      { email: other.email, currentPassword: me.password },
      me.token,
    );
    expect(res.status).toBe(409);
  });

  it('changes my password and ends my other logins', async () => {
    const me = await customer();
    const res = await platform.post(
      '/api/customers/me/password',
      { currentPassword: me.password, newPassword: 'a brand new passphrase' },
      me.token,
    );
    expect(res.status).toBe(204);
    expect((await platform.post('/api/auth/refresh', { refreshToken: me.refreshToken })).status).toBe(401);
    expect((await platform.post('/api/auth/login', { email: me.email, password: me.password })).status).toBe(401);
    expect(
      (await platform.post('/api/auth/login', { email: me.email, password: 'a brand new passphrase' })).status,
    ).toBe(200);
  });
});

describe('my addresses', () => {
  it('are created, listed, replaced and deleted; the first is the default', async () => {
    const me = await customer();
    const created = await platform.post('/api/customers/me/addresses', home, me.token);
    expect(created.status).toBe(201);
    const first = await json(created);
    expect(first).toEqual(
      expect.objectContaining({ ...home, country: 'GB', isDefault: true, label: null, line2: null, region: null }),
    );
    const second = await json(
      await platform.post('/api/customers/me/addresses', { ...home, line1: '1 Main St', isDefault: true }, me.token),
    );
    const listed = await json(await platform.get('/api/customers/me/addresses', me.token));
    expect(listed.items.map((a: { id: string; isDefault: boolean }) => [a.id, a.isDefault])).toEqual([
      [first.id, false],
      [second.id, true],
    ]);

    const replaced = await platform.send(
      'PUT',
      `/api/customers/me/addresses/${first.id}`,
      { ...home, city: 'Bath' },
      me.token,
    );
    expect((await json(replaced)).city).toBe('Bath');
    expect(
      (await platform.send('DELETE', `/api/customers/me/addresses/${second.id}`, undefined, me.token)).status,
    ).toBe(204);
    const profile = await json(await platform.get('/api/customers/me', me.token));
    expect(profile.addresses).toEqual([expect.objectContaining({ id: first.id, city: 'Bath', isDefault: true })]);
  });

  it('name every bad field', async () => {
    const me = await customer();
    const res = await platform.post(
      '/api/customers/me/addresses',
      { line1: '', country: 'Germany', postalCode: '<>' },
      me.token,
    );
    expect(res.status).toBe(400);
    const paths = (await json(res)).errors.map((error: { path: string }) => error.path);
    expect(paths).toEqual(expect.arrayContaining(['body.line1', 'body.city', 'body.country', 'body.postalCode']));
  });

  it('are invisible to other customers: 404, and untouched', async () => {
    const owner = await customer();
    const intruder = await customer();
    const address = await json(await platform.post('/api/customers/me/addresses', home, owner.token));
    const path = `/api/customers/me/addresses/${address.id}`;
    expect((await platform.get(path, intruder.token)).status).toBe(404);
    expect((await platform.send('PUT', path, { ...home, city: 'Paris' }, intruder.token)).status).toBe(404);
    expect((await platform.send('DELETE', path, undefined, intruder.token)).status).toBe(404);
    expect((await json(await platform.get(path, owner.token))).city).toBe('London');
  });
});

describe('administration', () => {
  it('is forbidden to customers (403) and to anonymous callers (401)', async () => {
    const me = await customer();
    expect((await platform.get('/api/customers', me.token)).status).toBe(403);
    expect((await platform.get(`/api/customers/${me.id}`, me.token)).status).toBe(403);
    expect((await platform.send('DELETE', `/api/customers/${me.id}`, undefined, me.token)).status).toBe(403);
    expect((await platform.get('/api/customers')).status).toBe(401);
  });

  it('lists accounts in stable pages, even while accounts are added', async () => {
    const marker = `page${Date.now()}`;
    const emails: string[] = [];
    for (let i = 0; i < 5; i++) emails.push((await platform.register(uniqueEmail(marker))).email);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/api/customers?q=${marker}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await json(await platform.get(query, adminToken));
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((item: { email: string }) => item.email));
      if (seen.length === 2) emails.push((await platform.register(uniqueEmail(marker))).email);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(emails);
  });

  it('treats % and _ in the search literally, and refuses a forged cursor', async () => {
    const page = await json(await platform.get('/api/customers?q=%25', adminToken));
    expect(page.items).toEqual([]);
    const res = await platform.get('/api/customers?cursor=not-a-cursor', adminToken);
    expect(res.status).toBe(400);
    expect((await json(res)).errors[0].path).toBe('query.cursor');
  });

  it('reads one account with its addresses', async () => {
    const me = await customer();
    await platform.post('/api/customers/me/addresses', home, me.token);
    const res = await platform.get(`/api/customers/${me.id}`, adminToken);
    expect(await json(res)).toEqual(
      expect.objectContaining({ id: me.id, addresses: [expect.objectContaining({ city: 'London' })] }),
    );
    expect((await platform.get('/api/customers/00000000-0000-4000-8000-000000000000', adminToken)).status).toBe(404);
    expect((await platform.get('/api/customers/not-a-uuid', adminToken)).status).toBe(400);
  });
});

describe('account deletion', () => {
  it('anonymises the account and ends every login', async () => {
    const me = await customer();
    await platform.post('/api/customers/me/addresses', home, me.token);
    expect((await platform.send('DELETE', '/api/customers/me', undefined, me.token)).status).toBe(204);

    expect((await platform.get('/api/customers/me', me.token)).status).toBe(404);
    expect((await platform.post('/api/auth/refresh', { refreshToken: me.refreshToken })).status).toBe(401);
    expect((await platform.post('/api/auth/login', { email: me.email, password: me.password })).status).toBe(401);
    const stored = await json(await platform.get(`/api/customers?q=${me.id}`, adminToken));
    expect(stored.items).toEqual([
      expect.objectContaining({ id: me.id, name: 'Deleted customer', email: `deleted-${me.id}@deleted.invalid` }),
    ]);
    expect(JSON.stringify(stored)).not.toContain(me.email);
    // The email is free again.
    expect(
      (await platform.post('/api/auth/register', { email: me.email, password: me.password, name: 'Ada' })).status,
    ).toBe(201);
  });

  it('can be done by an admin', async () => {
    const me = await customer();
    expect((await platform.send('DELETE', `/api/customers/${me.id}`, undefined, adminToken)).status).toBe(204);
    expect((await platform.send('DELETE', `/api/customers/${me.id}`, undefined, adminToken)).status).toBe(404);
  });
});
