import { existsSync, writeFileSync } from 'node:fs';
import type { Logger } from '@shop/kit';
import { type DemoCategory, type DemoShop, demoProducts, loadDemoShop } from './demo-shop';

/** Written into the data directory once the demo shop is complete; while it is there, no start seeds again. */
export const demoDataMarkerFile = 'demo-data-seeded.json';

export interface SeedOptions {
  /** The platform's public origin: the seed goes through the public API, as an admin would. */
  baseUrl: string;
  admin: { email: string; password: string };
  shop: DemoShop;
  log: Logger;
}

export interface SeedOutcome {
  categoriesCreated: number;
  productsCreated: number;
  customerCreated: boolean;
}

interface CategoryNode {
  id: string;
  name: string;
  children: CategoryNode[];
}

interface Answer {
  status: number;
  body: unknown;
}

/** One public API call; a problem document's detail makes the error message when an answer is not expected. */
async function call(baseUrl: string, method: string, path: string, body?: unknown, token?: string): Promise<Answer> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

function expectStatus(answer: Answer, expected: number[], what: string): void {
  if (expected.includes(answer.status)) return;
  const problem =
    (answer.body as { detail?: string; title?: string; errors?: Array<{ path: string; message: string }> }) ?? {};
  const fields = (problem.errors ?? []).map((error) => `${error.path}: ${error.message}`).join('; ');
  const detail = [problem.detail ?? problem.title, fields].filter(Boolean).join(': ');
  throw new Error(`demo data: ${what} answered ${answer.status} ${detail}`.trim());
}

/**
 * Seeds the demo shop through the public API with the admin's login: the category tree, the products with their
 * opening stock, and the demo customer. Idempotent item by item, so a seed cut off halfway completes on the next
 * run and a second run adds nothing: a category is looked up by name under its parent before it is created, a
 * product's sku is unique (409 means it is there, or was archived: it is not brought back), an existing customer
 * email is 409.
 */
export async function seedDemoShop(options: SeedOptions): Promise<SeedOutcome> {
  const { baseUrl, shop, log } = options;
  const login = await call(baseUrl, 'POST', '/api/auth/login', options.admin);
  expectStatus(login, [200], `the admin login (${options.admin.email})`);
  const token = (login.body as { accessToken: string }).accessToken;

  const tree = await call(baseUrl, 'GET', '/api/categories');
  expectStatus(tree, [200], 'GET /api/categories');
  const outcome: SeedOutcome = { categoriesCreated: 0, productsCreated: 0, customerCreated: false };

  const placeCategory = async (category: DemoCategory, parentId: string | null, siblings: CategoryNode[]) => {
    let node = siblings.find((sibling) => sibling.name === category.name);
    if (!node) {
      const created = await call(
        baseUrl,
        'POST',
        '/api/categories',
        { name: category.name, ...(parentId ? { parentId } : {}) },
        token,
      );
      expectStatus(created, [201], `creating the category ${category.name}`);
      node = { ...(created.body as { id: string; name: string }), children: [] };
      outcome.categoriesCreated++;
    }
    for (const product of category.products) {
      const created = await call(
        baseUrl,
        'POST',
        '/api/products',
        {
          sku: product.sku,
          name: product.name,
          description: product.description,
          price: product.price,
          categoryId: node.id,
          initialStock: product.stock,
        },
        token,
      );
      expectStatus(created, [201, 409], `creating the product ${product.sku}`);
      if (created.status === 201) outcome.productsCreated++;
    }
    for (const child of category.children) await placeCategory(child, node.id, node.children);
  };
  for (const category of shop.categories) await placeCategory(category, null, tree.body as CategoryNode[]);

  const registered = await call(baseUrl, 'POST', '/api/auth/register', shop.customer);
  expectStatus(registered, [201, 409], `registering the demo customer ${shop.customer.email}`);
  outcome.customerCreated = registered.status === 201;

  log.info(
    { ...outcome, products: demoProducts(shop).length },
    outcome.productsCreated + outcome.categoriesCreated > 0 ? 'demo shop seeded' : 'demo shop already there',
  );
  return outcome;
}

/**
 * Seeds unless the marker file says it was done, then writes it. A seed that fails (cut off, the admin password
 * changed) leaves no marker, so the next start completes it; the platform runs either way, the error logged.
 * Without a marker file (the Dapr topology, whose databases are new at every start) it seeds, item by item
 * idempotent. Answers the demo shop when it is there.
 */
export async function seedDemoShopOnce(options: {
  baseUrl: string;
  admin: { email: string; password: string };
  markerFile?: string;
  log: Logger;
}): Promise<DemoShop | undefined> {
  const shop = loadDemoShop();
  if (options.markerFile && existsSync(options.markerFile)) return shop;
  try {
    const outcome = await seedDemoShop({ ...options, shop });
    const record = { seededAt: new Date().toISOString(), ...outcome };
    if (options.markerFile) writeFileSync(options.markerFile, `${JSON.stringify(record, null, 2)}\n`);
    return shop;
  } catch (error) {
    options.log.error({ err: error }, 'demo data not seeded; the next start tries again');
    return undefined;
  }
}
