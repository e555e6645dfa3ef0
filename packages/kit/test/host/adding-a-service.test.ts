import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type CustomerDeleted, type EventEnvelope, topics } from '@shop/contracts';
import { type FixturePlatform, startWithFixtureIdentity } from '@shop/testkit/src/embedded-with-fixture';
import { signToken } from '@shop/testkit/src/jwt-fixture';
import { json } from '@shop/testkit/src/listen';
import type { DataSource } from 'typeorm';
import type { EmbeddedPlatform } from '../../src/host/run-embedded';
import { wishlistsService } from './example-service';

// docs/adding-a-service.md's example service, run as the platform runs it.
let fixture: FixturePlatform;
let platform: EmbeddedPlatform;
let dataSource: DataSource;

beforeAll(async () => {
  fixture = await startWithFixtureIdentity(
    [
      {
        ...wishlistsService,
        // The test reads the table the service writes, through the DataSource the kit opened.
        async setup(context) {
          dataSource = context.dataSource;
          return wishlistsService.setup(context);
        },
      },
    ],
    { name: 'wishlists' },
  );
  platform = fixture.platform;
});
afterAll(async () => {
  await fixture?.stop();
  rmSync(fixture.dataDir, { recursive: true, force: true });
});

const productId = '7c1f6f0e-52a4-4b8e-9d38-5f4a3c1b2a10';
const customers = { ada: '0b5d2c7e-3f4a-4d6b-8e9f-1a2b3c4d5e6f', bob: '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b' };
const addToWishlist = (token: string | undefined, product: string = productId) =>
  fetch(`${platform.url}/api/wishlist/${product}`, {
    method: 'PUT',
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });

describe('the service of "Adding a service"', () => {
  it('is migrated and reports its database ready', async () => {
    expect(await json(await fetch(`${platform.url}/readyz`))).toEqual({
      status: 'ready',
      checks: { 'wishlists.database': 'ok' },
    });
  });

  it("adds a product to a customer's wishlist once, refusing the anonymous and naming a bad product id", async () => {
    const token = signToken(fixture.key, { roles: ['customer'] }, { subject: customers.ada });
    expect((await addToWishlist(token)).status).toBe(204);
    expect((await addToWishlist(token)).status).toBe(204);
    expect((await addToWishlist(undefined)).status).toBe(401);
    const bad = await addToWishlist(token, 'not-a-uuid');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('params.productId');
    expect(await dataSource.query('SELECT customer_id, product_id FROM wishlist_items')).toEqual([
      { customer_id: customers.ada, product_id: productId },
    ]);
  });

  it("forgets a deleted customer's wishlist, once however often the event is delivered", async () => {
    const token = signToken(fixture.key, { roles: ['customer'] }, { subject: customers.bob });
    expect((await addToWishlist(token)).status).toBe(204);
    const event: EventEnvelope<CustomerDeleted> = {
      id: randomUUID(),
      type: topics.customerDeleted,
      occurredAt: new Date().toISOString(),
      data: { customerId: customers.bob, deletedAt: new Date().toISOString() },
    };
    const identity = platform.bus.meshFor('identity');
    await identity.publish(topics.customerDeleted, event);
    await identity.publish(topics.customerDeleted, event);
    await platform.bus.drain();
    expect(
      await dataSource.query(`SELECT count(*) AS n FROM wishlist_items WHERE customer_id = '${customers.bob}'`),
    ).toEqual([{ n: 0 }]);
    expect(await dataSource.query("SELECT count(*) AS n FROM inbox_events WHERE consumer LIKE 'wishlists.%'")).toEqual([
      { n: 1 },
    ]);
  });
});

describe('docs/adding-a-service.md', () => {
  it('shows this very service (from its first declaration on)', () => {
    const fromDeclarations = (text: string) => text.slice(text.indexOf('interface WishlistItem')).trim();
    const section = readFileSync(resolve(__dirname, '../../../../docs/adding-a-service.md'), 'utf8');
    const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    const source = readFileSync(join(__dirname, 'example-service.ts'), 'utf8');
    expect(fromDeclarations(block)).toBe(fromDeclarations(source));
  });
});
