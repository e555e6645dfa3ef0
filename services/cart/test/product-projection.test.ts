import { randomUUID } from 'node:crypto';
import {
  type ProductCreated,
  type ProductDeleted,
  type ProductUpdated,
  type StockChanged,
  topics,
} from '@shop/contracts';
import { eventually } from '@shop/testkit/src/eventually';
import type { ProjectedProduct, ProjectedStock } from '../src/domain/product-projection';
import { productKey, stockKey } from '../src/infrastructure/state-product-projection';
import { type EmbeddedProjection, startEmbeddedProjection } from './support/embedded-projection';
import { ownerActions } from './support/owner-actions';

const eur = (amount: number) => ({ amount, currency: 'EUR' });

describe('describe, beside the real catalog and inventory', () => {
  let p: EmbeddedProjection;
  let owners: ReturnType<typeof ownerActions>;

  beforeAll(async () => {
    p = await startEmbeddedProjection({ owners: true });
    owners = ownerActions(p.admin);
  }, 60_000);
  afterAll(() => p?.stop());
  beforeEach(() => {
    p.invocations.calls.length = 0;
    p.invocations.meanwhile = undefined;
  });

  /** A product the cart has heard nothing of: its events came and were forgotten, as before the cart started. */
  async function unprojectedProduct(price = eur(1250), initialStock = 7) {
    const product = await owners.createProduct(price, initialStock);
    await eventually(async () => {
      expect(await p.state.get(productKey(product.id))).toBeDefined();
      expect(await p.state.get(stockKey(product.id))).toBeDefined();
    });
    await p.state.delete(productKey(product.id));
    await p.state.delete(stockKey(product.id));
    return product;
  }

  const calls = (appId: string) => p.invocations.calls.filter((call) => call.appId === appId);

  it('fills a product it has heard nothing of from the catalog and the inventory, then answers without them', async () => {
    const product = await unprojectedProduct(eur(1250), 7);
    const facts = {
      productId: product.id,
      sku: product.sku,
      name: product.name,
      price: eur(1250),
      status: 'active',
      available: 7,
    };
    expect(await p.projection.describe([product.id])).toEqual(new Map([[product.id, facts]]));
    expect(p.invocations.calls).toEqual([
      { appId: 'catalog', method: 'POST', path: '/internal/products/lookup' },
      { appId: 'inventory', method: 'GET', path: `/internal/stock/${product.id}` },
    ]);
    expect((await p.state.get<ProjectedProduct>(productKey(product.id)))?.value.updatedAt).toBe(product.updatedAt);

    p.invocations.calls.length = 0;
    expect(await p.projection.describe([product.id, product.id])).toEqual(new Map([[product.id, facts]]));
    expect(p.invocations.calls).toEqual([]);
  });

  it('asks the catalog once for all the products it misses, and leaves out those the catalog does not know', async () => {
    const [a, b] = [await unprojectedProduct(eur(100), 1), await unprojectedProduct(eur(200), 2)];
    const unknown = randomUUID();
    const facts = await p.projection.describe([a.id, unknown, b.id]);
    expect([...facts.keys()].sort()).toEqual([a.id, b.id].sort());
    expect([facts.get(a.id)?.available, facts.get(b.id)?.available]).toEqual([1, 2]);
    expect(calls('catalog')).toHaveLength(1);
    // Nothing is asked of inventory for a product the catalog does not know.
    expect(
      calls('inventory')
        .map((call) => call.path)
        .sort(),
    ).toEqual([`/internal/stock/${a.id}`, `/internal/stock/${b.id}`].sort());
  });

  it('asks the catalog in batches of the 100 ids its lookup takes', async () => {
    const ids = Array.from({ length: 150 }, () => randomUUID());
    expect((await p.projection.describe(ids)).size).toBe(0);
    expect(calls('catalog')).toHaveLength(2);
  });

  it('shows a product archived before the cart heard of it as archived with 0 available, asking inventory nothing', async () => {
    const product = await unprojectedProduct(eur(900), 5);
    await owners.archive(product.id);
    await eventually(async () =>
      expect((await p.state.get<ProjectedProduct>(productKey(product.id)))?.value.status).toBe('archived'),
    );
    // The archive's event found no entry and took the facts from the catalog.
    expect(calls('catalog')).toHaveLength(1);
    await p.state.delete(productKey(product.id));

    const facts = await p.projection.describe([product.id]);
    expect(facts.get(product.id)).toMatchObject({ status: 'archived', available: 0, price: eur(900) });
    expect(calls('inventory')).toEqual([]);
  });

  it('keeps newer facts an event brought while the catalog was answering', async () => {
    const product = await unprojectedProduct(eur(500), 3);
    const newer: ProjectedProduct = {
      productId: product.id,
      sku: product.sku,
      name: 'Plain mug, second edition',
      price: eur(650),
      status: 'active',
      updatedAt: new Date(Date.parse(product.updatedAt) + 1000).toISOString(),
    };
    p.invocations.meanwhile = async ({ appId }) => {
      if (appId === 'catalog') await p.projection.applyProduct({ kind: 'facts', product: newer });
    };
    expect((await p.projection.describe([product.id])).get(product.id)).toMatchObject({
      name: newer.name,
      price: eur(650),
    });
    expect((await p.state.get(productKey(product.id)))?.value).toEqual(newer);
  });

  it('keeps newer levels an event brought while the inventory was answering', async () => {
    const product = await unprojectedProduct(eur(500), 3);
    const newer: ProjectedStock = { productId: product.id, available: 1, version: 5 };
    p.invocations.meanwhile = async ({ appId }) => {
      if (appId === 'inventory') await p.projection.applyStock(newer);
    };
    expect((await p.projection.describe([product.id])).get(product.id)?.available).toBe(1);
    expect((await p.state.get(stockKey(product.id)))?.value).toEqual(newer);
  });

  it('shows 0 available while inventory has no stock item, and asks again on the next read', async () => {
    // Facts the cart heard of (product-updated) for a product inventory never opened stock for.
    const productId = randomUUID();
    await p.deliver(topics.productUpdated, {
      productId,
      sku: 'LAMP-1',
      name: 'Desk lamp',
      price: eur(4000),
      categoryId: randomUUID(),
      status: 'active',
      updatedAt: new Date().toISOString(),
    } satisfies ProductUpdated);
    expect((await p.projection.describe([productId])).get(productId)).toMatchObject({ status: 'active', available: 0 });
    expect(await p.state.get(stockKey(productId))).toBeUndefined();
    await p.projection.describe([productId]);
    expect(p.invocations.calls).toEqual([
      { appId: 'inventory', method: 'GET', path: `/internal/stock/${productId}` },
      { appId: 'inventory', method: 'GET', path: `/internal/stock/${productId}` },
    ]);
  });

  it('fails with DependencyUnavailableError when the catalog cannot be reached, saving nothing', async () => {
    const product = await unprojectedProduct();
    p.invocations.meanwhile = async ({ appId }) => {
      if (appId === 'catalog') throw new Error('connection refused');
    };
    await expect(p.projection.describe([product.id])).rejects.toMatchObject({
      name: 'DependencyUnavailableError',
      dependency: 'catalog',
    });
    expect(await p.state.get(productKey(product.id))).toBeUndefined();
  });
});

describe('the projection fed by events through the cart intake', () => {
  let p: EmbeddedProjection;

  beforeAll(async () => {
    p = await startEmbeddedProjection({ owners: false });
  }, 60_000);
  afterAll(() => p?.stop());
  beforeEach(() => {
    p.invocations.calls.length = 0;
  });

  const at = (seconds: number) => new Date(Date.UTC(2026, 11, 7, 10, 0, seconds)).toISOString();
  const categoryId = randomUUID();

  const created = (productId: string, amount: number, createdAt: string): ProductCreated => ({
    productId,
    sku: 'MUG-1',
    name: 'Plain mug',
    price: eur(amount),
    categoryId,
    status: 'active',
    initialStock: 10,
    createdAt,
  });
  const updated = (productId: string, amount: number, updatedAt: string): ProductUpdated => ({
    productId,
    sku: 'MUG-1',
    name: `Plain mug at ${amount}`,
    price: eur(amount),
    categoryId,
    status: 'active',
    updatedAt,
  });
  const stockChanged = (productId: string, available: number, version: number): StockChanged => ({
    productId,
    onHand: available,
    reserved: 0,
    available,
    version,
    at: at(version),
  });

  it('shows the latest price whichever order the updates arrive in, a redelivery changing nothing', async () => {
    const productId = randomUUID();
    await p.deliver(topics.stockChanged, stockChanged(productId, 4, 1));
    const second = randomUUID();
    await p.deliver(topics.productUpdated, updated(productId, 300, at(3)));
    await p.deliver(topics.productCreated, created(productId, 100, at(1)));
    await p.deliver(topics.productUpdated, updated(productId, 200, at(2)), second);
    await p.deliver(topics.productUpdated, updated(productId, 200, at(2)), second);

    expect((await p.projection.describe([productId])).get(productId)).toEqual({
      productId,
      sku: 'MUG-1',
      name: 'Plain mug at 300',
      price: eur(300),
      status: 'active',
      available: 4,
    });
    // Everything was projected: the owners were not asked.
    expect(p.invocations.calls).toEqual([]);
  });

  it('shows the highest stock version whichever order the changes arrive in, a redelivery changing nothing', async () => {
    const productId = randomUUID();
    await p.deliver(topics.productCreated, created(productId, 100, at(1)));
    const versionTwo = randomUUID();
    await p.deliver(topics.stockChanged, stockChanged(productId, 5, 2), versionTwo);
    await p.deliver(topics.stockChanged, stockChanged(productId, 3, 3));
    await p.deliver(topics.stockChanged, stockChanged(productId, 9, 1));
    await p.deliver(topics.stockChanged, stockChanged(productId, 5, 2), versionTwo);
    expect((await p.projection.describe([productId])).get(productId)?.available).toBe(3);
  });

  it('ends on the highest version when 20 stock changes race for one entry', async () => {
    const productId = randomUUID();
    const versions = Array.from({ length: 20 }, (_, index) => index + 1).sort(() => Math.random() - 0.5);
    await Promise.all(
      versions.map((version) => p.projection.applyStock({ productId, available: 100 - version, version })),
    );
    expect((await p.state.get(stockKey(productId)))?.value).toEqual({ productId, available: 80, version: 20 });
  });

  it('shows a product archived with 0 available, even when an older update arrives after the archive', async () => {
    const productId = randomUUID();
    await p.deliver(topics.productCreated, created(productId, 100, at(1)));
    await p.deliver(topics.stockChanged, stockChanged(productId, 6, 1));
    await p.deliver(topics.productDeleted, { productId, deletedAt: at(3) } satisfies ProductDeleted);
    await p.deliver(topics.productUpdated, updated(productId, 200, at(2)));
    expect((await p.projection.describe([productId])).get(productId)).toMatchObject({
      status: 'archived',
      available: 0,
      price: eur(100),
    });
  });

  it('leaves the entry alone when an event breaks its contract', async () => {
    const productId = randomUUID();
    await p.deliver(topics.productCreated, created(productId, 100, at(1)));
    await p.deliver(topics.productUpdated, {
      ...updated(productId, 200, at(2)),
      price: { amount: -1, currency: 'EUR' },
    });
    expect((await p.state.get<ProjectedProduct>(productKey(productId)))?.value.price).toEqual(eur(100));
  });
});
