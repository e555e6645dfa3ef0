import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, type EmbeddedPlatform } from '@shop/kit';
import { eventually } from '@shop/testkit/src/eventually';
import { json } from '@shop/testkit/src/listen';
import { wantsDemoData } from '../src/demo-data/demo-data-config';
import { type DemoCategory, type DemoShop, demoProducts, loadDemoShop, minorUnits } from '../src/demo-data/demo-shop';
import { demoDataMarkerFile, seedDemoShop } from '../src/demo-data/seed-demo-shop';
import { startShop } from '../src/start-shop';

// `npm start` on a fresh data directory, as a newcomer runs it: the demo shop is there once, whatever the restarts.

const shop = loadDemoShop();
const admin = { email: 'admin@shop.local', password: 'admin-dev-password' };

interface CategoryNode {
  id: string;
  name: string;
  children: CategoryNode[];
}

const names = (nodes: Array<CategoryNode | DemoCategory>): unknown =>
  nodes
    .map((node) => ({ name: node.name, children: names(node.children) }))
    .sort((a, b) => a.name.localeCompare(b.name));

async function allProducts(url: string): Promise<Array<{ id: string; sku: string; stock: number; price: unknown }>> {
  const items = [];
  let cursor: string | null = null;
  do {
    const page = await json(await fetch(`${url}/api/products?limit=100${cursor ? `&cursor=${cursor}` : ''}`));
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

const login = (url: string, { email, password }: { email: string; password: string }) =>
  fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });

describe('the demo shop file', () => {
  it('is a small realistic shop: a category tree, about 40 products in EUR, a few nearly sold out', () => {
    const products = demoProducts(shop);
    expect(products.length).toBeGreaterThanOrEqual(35);
    expect(products.length).toBeLessThanOrEqual(45);
    expect(new Set(products.map((product) => product.sku)).size).toBe(products.length);
    expect(products.every((product) => product.price.currency === 'EUR' && product.price.amount > 0)).toBe(true);
    expect(products.every((product) => product.description.length > 20)).toBe(true);
    expect(products.filter((product) => product.stock > 0 && product.stock <= 3).length).toBeGreaterThanOrEqual(3);
    expect(shop.categories.every((category) => category.children.length > 0)).toBe(true);
  });

  it('reads prices exactly and names the place of a mistake', () => {
    expect(minorUnits('12.90')).toBe(1290);
    expect(minorUnits('0.07')).toBe(7);
    expect(() =>
      loadDemoShop({
        currency: 'EUR',
        customer: shop.customer,
        categories: [{ name: 'Tea', products: [{ sku: 'T', name: 'T', description: '', price: '1.5', stock: 1 }] }],
      }),
    ).toThrow(/categories\[0\]\.products\[0\]\.price/);
  });
});

describe('who seeds', () => {
  it('is npm start outside production unless SHOP_DEMO_DATA=false; start:dapr and the chart only when asked', () => {
    expect(wantsDemoData({ NODE_ENV: 'development' }, 'embedded')).toBe(true);
    expect(wantsDemoData({ NODE_ENV: 'development', SHOP_DEMO_DATA: false }, 'embedded')).toBe(false);
    expect(wantsDemoData({ NODE_ENV: 'production' }, 'embedded')).toBe(false);
    expect(wantsDemoData({ NODE_ENV: 'development' }, 'dapr')).toBe(false);
    expect(wantsDemoData({ NODE_ENV: 'production', SHOP_DEMO_DATA: true }, 'dapr')).toBe(true);
  });
});

describe('npm start with the demo shop', () => {
  let dataDir: string;
  let platform: EmbeddedPlatform | undefined;
  const start = (env: Record<string, string> = {}) =>
    startShop({ PORT: '0', SHOP_DATA_DIR: dataDir, LOG_LEVEL: 'fatal', ...env }).then((started) => {
      platform = started;
      return started;
    });
  const stop = async () => {
    await platform?.shutdown();
    platform = undefined;
  };

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'demo-data-'));
  });
  afterAll(async () => {
    await stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('seeds nothing with SHOP_DEMO_DATA=false', async () => {
    const { url } = await start({ SHOP_DEMO_DATA: 'false' });
    expect(await allProducts(url)).toEqual([]);
    expect(await json(await fetch(`${url}/api/categories`))).toEqual([]);
    expect((await login(url, shop.customer)).status).toBe(401);
    expect(existsSync(join(dataDir, demoDataMarkerFile))).toBe(false);
  }, 60_000);

  it('completes a seed that was cut off halfway, with nothing twice', async () => {
    // The first category and its products made it; then the process died (no marker written).
    const firstHalf: DemoShop = { ...shop, categories: shop.categories.slice(0, 1) };
    await seedDemoShop({
      baseUrl: (platform as EmbeddedPlatform).url,
      admin,
      shop: firstHalf,
      log: createLogger({ name: 't', level: 'fatal' }),
    });
    await stop();

    const { url } = await start();
    const products = await allProducts(url);
    expect(products.map((product) => product.sku).sort()).toEqual(
      demoProducts(shop)
        .map((p) => p.sku)
        .sort(),
    );
    expect(names(await json(await fetch(`${url}/api/categories`)))).toEqual(names(shop.categories));
    expect((await login(url, shop.customer)).status).toBe(200);

    // The stock inventory opened with, as the storefront shows it: a nearly sold out product says so.
    const scarce = demoProducts(shop).find((product) => product.stock === 1) as { sku: string; stock: number };
    const id = products.find((product) => product.sku === scarce.sku)?.id;
    await eventually(async () => {
      expect(await json(await fetch(`${url}/api/inventory/${id}`))).toMatchObject({ onHand: 1, available: 1 });
    });
  }, 90_000);

  it('does not seed again on a restart', async () => {
    const marker = readFileSync(join(dataDir, demoDataMarkerFile), 'utf8');
    await stop();
    const { url } = await start();
    expect(await allProducts(url)).toHaveLength(demoProducts(shop).length);
    expect(names(await json(await fetch(`${url}/api/categories`)))).toEqual(names(shop.categories));
    expect(readFileSync(join(dataDir, demoDataMarkerFile), 'utf8')).toBe(marker);
  }, 60_000);
});
