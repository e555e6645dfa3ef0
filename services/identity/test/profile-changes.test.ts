import {
  CustomerRegistered,
  CustomerUpdated,
  type CustomerUpdated as CustomerUpdatedData,
  type EventEnvelope,
  topics,
} from '@shop/contracts';
import { json } from '@shop/testkit/src/listen';
import { type IdentityPlatform, startIdentity, testAdmin, uniqueEmail } from './support/identity-platform';

// The profile's language and phone number, and the announcement of every profile change: a consumer (the
// notifications service) keeps a copy of what it needs to reach the customer from these events alone.

let platform: IdentityPlatform;
let adminToken: string;
const announced: EventEnvelope[] = [];

beforeAll(async () => {
  platform = await startIdentity();
  platform.bus.register('profile-watcher', {
    subscriptions: [topics.customerRegistered, topics.customerUpdated].map((topic) => ({
      topic,
      async handle(event: EventEnvelope) {
        announced.push(event);
        return 'success' as const;
      },
    })),
  });
  adminToken = (await platform.login(testAdmin.email, testAdmin.password)).accessToken;
});
afterAll(() => platform.shutdown());

async function customer(body: Record<string, unknown> = {}) {
  const email = uniqueEmail();
  const password = 'analytical engine 1843';
  const res = await platform.post('/api/auth/register', { email, password, name: 'Ada Lovelace', ...body });
  expect(res.status).toBe(201);
  const registered = await json(res);
  const { accessToken } = await platform.login(email, password);
  return { ...registered, email, password, token: accessToken as string };
}

async function me(token: string) {
  const res = await platform.get('/api/customers/me', token);
  expect(res.status).toBe(200);
  return json(res);
}

const patch = (token: string, body: unknown) => platform.send('PATCH', '/api/customers/me', body, token);

/** The customer-updated events of one customer, once the relay published them; each checked against the contract. */
async function updatesOf(customerId: string): Promise<CustomerUpdatedData[]> {
  await platform.bus.drain();
  const events = announced.filter(
    (event) => event.type === topics.customerUpdated && (event.data as CustomerUpdatedData).customerId === customerId,
  );
  for (const event of events) expect(CustomerUpdated.schema.validate(event.data).error).toBeUndefined();
  return events.map((event) => event.data as CustomerUpdatedData);
}

describe('my language and phone number', () => {
  it('default to English and no number; registration may name the language, kept in canonical form', async () => {
    const plain = await customer();
    expect(plain).toEqual(expect.objectContaining({ locale: 'en', phone: null, roles: ['customer'] }));
    const austrian = await customer({ locale: 'de-at' });
    expect(await me(austrian.token)).toEqual(expect.objectContaining({ locale: 'de-AT', phone: null, addresses: [] }));
    await platform.bus.drain();
    const registered = announced.find(
      (event) =>
        event.type === topics.customerRegistered && (event.data as { customerId: string }).customerId === austrian.id,
    );
    expect(registered?.data).toEqual(expect.objectContaining({ locale: 'de-AT', email: austrian.email }));
    expect(CustomerRegistered.schema.validate(registered?.data).error).toBeUndefined();
  });

  it('change with PATCH /api/customers/me, each change announced with the whole profile', async () => {
    const ada = await customer();
    const changed = await patch(ada.token, { locale: 'de', phone: '+49 (170) 123-4567' });
    expect(changed.status).toBe(200);
    expect(await json(changed)).toEqual(expect.objectContaining({ locale: 'de', phone: '+491701234567' }));
    expect(await me(ada.token)).toEqual(expect.objectContaining({ locale: 'de', phone: '+491701234567' }));

    expect((await patch(ada.token, { name: 'Augusta Ada King' })).status).toBe(200);
    const newEmail = uniqueEmail('countess');
    expect((await patch(ada.token, { email: newEmail, currentPassword: ada.password })).status).toBe(200);
    expect((await patch(ada.token, { phone: null })).status).toBe(200);

    const updates = await updatesOf(ada.id);
    expect(updates.map(({ updatedAt: _at, ...profile }) => profile)).toEqual([
      { customerId: ada.id, email: ada.email, name: 'Ada Lovelace', locale: 'de', phone: '+491701234567' },
      { customerId: ada.id, email: ada.email, name: 'Augusta Ada King', locale: 'de', phone: '+491701234567' },
      { customerId: ada.id, email: newEmail, name: 'Augusta Ada King', locale: 'de', phone: '+491701234567' },
      { customerId: ada.id, email: newEmail, name: 'Augusta Ada King', locale: 'de', phone: null },
    ]);
    const profile = await me(ada.token);
    expect(updates.at(-1)?.updatedAt).toBe(profile.updatedAt);
  });

  it('announce nothing when a PATCH changes nothing', async () => {
    const ada = await customer({ locale: 'de' });
    expect((await patch(ada.token, { locale: 'DE', name: ' Ada Lovelace ' })).status).toBe(200);
    expect(await updatesOf(ada.id)).toEqual([]);
    expect((await patch(ada.token, { locale: 'en' })).status).toBe(200);
    expect((await updatesOf(ada.id)).map((update) => update.locale)).toEqual(['en']);
  });

  it('refuse what is not a language tag or an international number, naming each field', async () => {
    const ada = await customer();
    const res = await patch(ada.token, { locale: 'not a language!', phone: '0170 1234567' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = await json(res);
    expect(problem.errors.map((error: { path: string }) => error.path).sort()).toEqual(['body.locale', 'body.phone']);
    for (const bad of [
      { phone: '+0491701234567' },
      { phone: '+49 170 abc' },
      { phone: '+12345' },
      { phone: 491701234567 },
    ]) {
      const refused = await patch(ada.token, bad);
      expect(refused.status).toBe(400);
      expect((await json(refused)).errors.map((error: { path: string }) => error.path)).toEqual(['body.phone']);
    }
    for (const bad of [
      { locale: 'x-private' },
      { locale: '*' },
      { locale: `de-${'a'.repeat(40)}` },
      { locale: null },
    ]) {
      const refused = await patch(ada.token, bad);
      expect(refused.status).toBe(400);
      expect((await json(refused)).errors.map((error: { path: string }) => error.path)).toEqual(['body.locale']);
    }
    expect((await patch(ada.token, {})).status).toBe(400);
    const badRegistration = await platform.post('/api/auth/register', {
      email: uniqueEmail(),
      password: 'analytical engine 1843',
      name: 'Ada',
      locale: 'english please',
    });
    expect(badRegistration.status).toBe(400);
    expect((await json(badRegistration)).errors.map((error: { path: string }) => error.path)).toEqual(['body.locale']);
    expect(await me(ada.token)).toEqual(expect.objectContaining({ locale: 'en', phone: null }));
    expect(await updatesOf(ada.id)).toEqual([]);
  });

  it('leave with the account: a deleted account keeps no phone number', async () => {
    const ada = await customer();
    expect((await patch(ada.token, { phone: '+441632960961' })).status).toBe(200);
    expect((await platform.send('DELETE', '/api/customers/me', undefined, ada.token)).status).toBe(204);
    const stored = await json(await platform.get(`/api/customers?q=${ada.id}`, adminToken));
    expect(stored.items).toEqual([expect.objectContaining({ id: ada.id, phone: null, name: 'Deleted customer' })]);
  });
});
