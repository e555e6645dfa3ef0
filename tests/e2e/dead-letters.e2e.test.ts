import { randomUUID } from 'node:crypto';
import { adminToken, newCustomer } from './support/accounts';
import { baseUrl } from './support/base-url';

// The dead-letter admin endpoints on the platform's one origin: the embedded edge and the gateway route each
// service's /api/admin/dead-letters/<service> to it (the kit's tests prove what the endpoints do).
const servicesWithData = [
  'identity',
  'catalog',
  'inventory',
  'orders',
  'payments',
  'notifications',
  'analytics',
  'recommendations',
  'fraud',
];

describe('dead letters through the origin', () => {
  it.each(servicesWithData)("lists %s's dead letters to an admin, and to no one else", async (service) => {
    const path = `${baseUrl()}/api/admin/dead-letters/${service}`;
    const listed = await fetch(`${path}?limit=5`, { headers: { authorization: `Bearer ${await adminToken()}` } });
    expect([service, listed.status]).toEqual([service, 200]);
    const page = (await listed.json()) as { items: unknown[]; nextCursor: string | null };
    expect(Array.isArray(page.items)).toBe(true);
    const customer = await newCustomer();
    const refused = await fetch(path, { headers: { authorization: `Bearer ${customer.accessToken}` } });
    expect([service, refused.status]).toEqual([service, 403]);
  });

  it('answers an unknown dead letter with 404 and a bad id with 400 naming it', async () => {
    const headers = { authorization: `Bearer ${await adminToken()}` };
    const unknown = await fetch(`${baseUrl()}/api/admin/dead-letters/orders/${randomUUID()}/replay`, {
      method: 'POST',
      headers,
    });
    expect([unknown.status, unknown.headers.get('content-type')]).toEqual([
      404,
      expect.stringMatching(/problem\+json/),
    ]);
    const bad = await fetch(`${baseUrl()}/api/admin/dead-letters/orders/nope`, { method: 'DELETE', headers });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: Array<{ path: string }> }).errors.map((error) => error.path)).toEqual([
      'params.id',
    ]);
  });
});
