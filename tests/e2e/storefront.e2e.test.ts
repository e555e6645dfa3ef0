// The storefront at / in a real browser (Debian's Chromium, headless, driven by playwright-core), against each
// topology's origin: a guest finds two products (the category tree, then search), sees stock change live, puts both
// in the cart, signs in (the cart comes along), pays with the approved test card and sees the order become Paid
// through the orders hub; then a declined card ends an order Failed, said in words. A page error, a console error or
// a failed request fails the test. Screenshots go to .tmp/test-output/storefront/ (with STOREFRONT_README_SCREENSHOT
// set, the category page also to docs/storefront.png).
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { json } from '@shop/testkit/src/listen';
import { chromiumBrowser, ensureBinary } from '@shop/testkit/src/system-binaries';
import { type Browser, chromium, type Page } from 'playwright-core';
import { adminToken, bearer, newCustomer, postJson, type TestCustomer } from './support/accounts';
import { baseUrl } from './support/base-url';
import { eventually } from './support/eventually';
import { get } from './support/shop';

/** embedded, dapr or compose (set by the jest project's tests/e2e/support/use-*.ts): names the screenshots. */
const topology = process.env.E2E_TOPOLOGY ?? 'external';
const repoRoot = join(__dirname, '..', '..');
const outputDir = join(repoRoot, '.tmp', 'test-output', 'storefront');
/** The saga runs first, then the hub pushes the status. */
const liveWaitMs = 30_000;

interface ShopProduct {
  id: string;
  name: string;
}

/** What the checks read of the page's window (this file is type-checked without the DOM's types). */
interface PageGlobals {
  notReloaded?: boolean;
  innerWidth: number;
  document: { documentElement: { scrollWidth: number } };
}

let browser: Browser;
const tag = randomUUID().slice(0, 8);
let categoryName: string;
let kettle: ShopProduct;
let teapot: ShopProduct;

async function createProduct(categoryId: string, name: string, amount: number, stock: number): Promise<ShopProduct> {
  const res = await postJson(
    '/api/products',
    {
      sku: `SF-${randomUUID()}`,
      name,
      description: `${name}: made for the storefront's browser test.`,
      price: { amount, currency: 'EUR' },
      categoryId,
      initialStock: stock,
    },
    bearer(await adminToken()),
  );
  if (res.status !== 201) throw new Error(`product create answered ${res.status}: ${await res.text()}`);
  const { id } = (await json(res)) as { id: string };
  // Stocked, and known to the cart's own projection of catalog and inventory events (else adding says "try again").
  await eventually(async () => {
    const levels = await get(`/api/inventory/${id}`);
    if (levels.status !== 200 || (await json(levels)).available !== stock) throw new Error('stock not there yet');
    const cart = (await json(await postJson('/api/carts', {}))) as { id: string };
    const put = await fetch(`${baseUrl()}/api/carts/${cart.id}/items/${id}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ quantity: 1 }),
    });
    await fetch(`${baseUrl()}/api/carts/${cart.id}`, { method: 'DELETE' });
    if (put.status !== 200) throw new Error(`the cart cannot price it yet (${put.status})`);
  });
  return { id, name };
}

beforeAll(async () => {
  mkdirSync(outputDir, { recursive: true });
  browser = await chromium.launch({
    executablePath: ensureBinary(chromiumBrowser),
    // Chromium's sandbox needs user namespaces that a root test run on a CI machine does not have.
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
  categoryName = `Tea things ${tag}`;
  const category = await postJson('/api/categories', { name: categoryName }, bearer(await adminToken()));
  expect(category.status).toBe(201);
  const categoryId = ((await json(category)) as { id: string }).id;
  kettle = await createProduct(categoryId, `Copper kettle ${tag}`, 1250, 8);
  teapot = await createProduct(categoryId, `Stoneware teapot ${tag}`, 2990, 5);
}, 90_000);
afterAll(async () => {
  await browser?.close();
});

/** Requests the page may see refused without anything being wrong. */
type Excuse = (url: string, status: number) => boolean;

/**
 * Recommendations come from a service this build may not run: their 404 (or 503) hides the section, as designed.
 */
const recommendationsAbsent: Excuse = (url, status) =>
  /\/recommendations(\?|$)/.test(new URL(url).pathname + new URL(url).search) && (status === 404 || status === 503);

/** A fresh page at the storefront that records every page error, console error and failed request. */
async function openStorefront(
  excuses: Excuse[] = [],
): Promise<{ page: Page; problems: string[]; frames: string[]; stopWatching(): void }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  const frames: string[] = [];
  const refused = new Map<string, number>();
  let watching = true;
  const excused = (url: string, status: number) =>
    [recommendationsAbsent, ...excuses].some((excuse) => excuse(url, status));
  page.on('pageerror', (error) => watching && problems.push(`page error: ${error.message}`));
  page.on('response', (response) => {
    if (!watching || response.status() < 400) return;
    refused.set(response.url(), response.status());
    if (!excused(response.url(), response.status()))
      problems.push(`${response.status()} ${response.request().method()} ${response.url()}`);
  });
  page.on('requestfailed', (request) => {
    if (watching)
      problems.push(`request failed: ${request.method()} ${request.url()} (${request.failure()?.errorText})`);
  });
  page.on('console', (message) => {
    if (!watching || message.type() !== 'error') return;
    // Chromium logs every refused fetch as "Failed to load resource"; an excused refusal is no error.
    const url = message.location().url;
    const status = refused.get(url);
    if (/^Failed to load resource/.test(message.text()) && status !== undefined && excused(url, status)) return;
    problems.push(`console error: ${message.text()} (${url})`);
  });
  page.on('websocket', (socket) => {
    socket.on('framereceived', (frame) => {
      if (typeof frame.payload === 'string') frames.push(frame.payload);
    });
  });
  const response = await page.goto(`${baseUrl()}/`);
  expect(response?.status()).toBe(200);
  expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
  return {
    page,
    problems,
    frames,
    stopWatching: () => {
      watching = false;
    },
  };
}

const heading = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 1, name });
const cartCount = async (page: Page) => Number(await page.locator('#cart-count').getAttribute('data-count'));

async function addToCart(page: Page, product: ShopProduct, quantity: number): Promise<void> {
  await heading(page, product.name).waitFor();
  await page.getByLabel('Quantity').selectOption(String(quantity));
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await page.getByText(`Added ${quantity} × ${product.name} to your cart.`, { exact: true }).first().waitFor();
}

async function checkOut(page: Page, cardNumber: string): Promise<string> {
  await heading(page, 'Checkout').waitFor();
  await page.getByLabel('Street and number').fill('Unter den Linden 1');
  await page.getByLabel('City').fill('Berlin');
  await page.getByLabel('Postal code').fill('10117');
  await page.getByLabel('Country').selectOption('DE');
  await page.getByLabel('Card number').fill(cardNumber);
  await page.getByLabel('Security code (CVC)').fill('123');
  await page.getByRole('button', { name: 'Pay and place the order' }).click();
  await page.waitForURL(/#\/orders\/[0-9a-f-]{36}$/);
  return new URL(page.url()).hash.split('/').pop() as string;
}

async function signIn(page: Page, customer: TestCustomer): Promise<void> {
  await heading(page, 'Sign in').waitFor();
  await page.getByLabel('Email').fill(customer.email);
  await page.getByLabel('Password').fill(customer.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/**
 * The product page shows what the recommendations endpoint answers, and no section at all when it does not answer
 * (a build without the recommendations service).
 */
async function showsRecommendationsAsServed(page: Page, product: ShopProduct): Promise<void> {
  const res = await get(`/api/products/${product.id}/recommendations?limit=4`);
  const section = page.getByRole('region', { name: 'Customers also bought' });
  const items = res.status === 200 ? ((await json(res)) as { items: { name: string }[] }).items : [];
  if (items.length === 0) {
    expect(await section.count()).toBe(0);
    return;
  }
  await section.waitFor();
  for (const item of items) await section.getByRole('link', { name: item.name }).first().waitFor();
}

describe(`the storefront in Chromium (${topology})`, () => {
  it('takes a guest from browsing to a paid order followed live, then says a declined card failed', async () => {
    const customer = await newCustomer('Grace Hopper');
    const { page, problems, frames, stopWatching } = await openStorefront();
    try {
      // Browse: the category tree leads to both products.
      await page.getByRole('navigation', { name: 'Categories' }).getByRole('link', { name: categoryName }).click();
      await heading(page, categoryName).waitFor();
      const listed = page.getByRole('list', { name: 'Products' });
      await listed.getByRole('link', { name: teapot.name }).waitFor();
      await listed.getByRole('link', { name: kettle.name }).click();

      // The product page follows its stock live: an admin's adjustment shows without a reload.
      await heading(page, kettle.name).waitFor();
      await page.getByText('Stock updates live.').waitFor({ timeout: liveWaitMs });
      await page.evaluate(() => {
        (globalThis as unknown as PageGlobals).notReloaded = true;
      });
      const adjusted = await postJson(
        `/api/inventory/${kettle.id}/adjustments`,
        { delta: -1, reason: 'storefront test: one broke' },
        bearer(await adminToken()),
      );
      expect(adjusted.status).toBe(200);
      await page.locator('#stock[data-available="7"]').waitFor({ timeout: liveWaitMs });
      expect(await page.locator('#stock').textContent()).toBe('In stock: 7');
      await addToCart(page, kettle, 2);
      expect(await cartCount(page)).toBe(2);

      // Search finds the other.
      await page.getByRole('searchbox', { name: 'Search products' }).fill(teapot.name);
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      await heading(page, `Search results for “${teapot.name}”`).waitFor();
      await page.getByRole('list', { name: 'Products' }).getByRole('link', { name: teapot.name }).click();
      await addToCart(page, teapot, 1);
      expect(await cartCount(page)).toBe(3);
      await showsRecommendationsAsServed(page, teapot);
      if (process.env.STOREFRONT_README_SCREENSHOT) {
        // The README's picture: the category with both products, the guest's cart count in the header.
        await page.setViewportSize({ width: 1200, height: 680 });
        await page.getByRole('link', { name: 'Back to the category' }).click();
        await page.getByRole('list', { name: 'Products' }).getByRole('link', { name: kettle.name }).waitFor();
        await page.screenshot({ path: join(repoRoot, 'docs', 'storefront.png') });
        await page.setViewportSize({ width: 1280, height: 900 });
      }

      // The guest's cart, then sign-in: the cart comes along (merged into the customer's).
      await page.getByRole('link', { name: /^Cart/ }).click();
      await heading(page, 'Your cart').waitFor();
      expect(await page.locator('.cart-line').count()).toBe(2);
      await page.getByRole('link', { name: 'Sign in to check out' }).click();
      await signIn(page, customer);
      await heading(page, 'Checkout').waitFor();
      await eventually(async () => expect(await cartCount(page)).toBe(3));
      const merged = (await json(await get('/api/cart', customer.accessToken))) as { items: unknown[] };
      expect(merged.items).toHaveLength(2);

      // Pay with the approved card, typed as printed; the order becomes Paid through the orders hub.
      const paidId = await checkOut(page, '4242 4242 4242 4242');
      await page.locator('#order-status [data-status="Paid"]').waitFor({ timeout: liveWaitMs });
      await page.locator('#order-confirmed').waitFor();
      expect(
        frames.some(
          (frame) => frame.includes('"OrderStatusChanged"') && frame.includes(paidId) && frame.includes('"Paid"'),
        ),
      ).toBe(true);
      expect(await cartCount(page)).toBe(0);
      // All of it in one page: nothing was reloaded to show the new stock or the new status.
      expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).notReloaded)).toBe(true);
      // The confirmation arrives live on /hubs/notifications too.
      await eventually(async () => {
        expect(frames.some((frame) => frame.includes('"Notification"') && frame.includes(paidId))).toBe(true);
      }, liveWaitMs);
      await page.screenshot({ path: join(outputDir, `${topology}-order-paid.png`), fullPage: true });

      // A declined card: the order ends Failed, and the page says why in words.
      await page.goto(`${baseUrl()}/#/product/${kettle.id}`);
      await addToCart(page, kettle, 1);
      await page.getByRole('link', { name: /^Cart/ }).click();
      await page.getByRole('link', { name: 'Go to checkout' }).click();
      const failedId = await checkOut(page, '4000 0000 0000 0002');
      await page.locator('#order-status [data-status="Failed"]').waitFor({ timeout: liveWaitMs });
      expect(await page.locator('#order-failure').textContent()).toContain('Your card was declined.');
      expect(await page.locator('#order-failure').getAttribute('role')).toBe('alert');
      await page.screenshot({ path: join(outputDir, `${topology}-order-declined.png`), fullPage: true });

      // My orders: both, with their statuses.
      await page.getByRole('link', { name: 'My orders', exact: true }).click();
      await heading(page, 'My orders').waitFor();
      await page.locator(`[data-order-id="${paidId}"] [data-status="Paid"]`).waitFor();
      await page.locator(`[data-order-id="${failedId}"] [data-status="Failed"]`).waitFor();
      await page.getByRole('link', { name: /^Notifications/ }).click();
      await page.locator('.notifications [data-type="OrderConfirmed"]').first().waitFor({ timeout: liveWaitMs });

      // Phone width: nothing wider than the screen.
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`${baseUrl()}/#/product/${teapot.id}`);
      await heading(page, teapot.name).waitFor();
      const overflow = await page.evaluate(() => {
        const window = globalThis as unknown as PageGlobals;
        return window.document.documentElement.scrollWidth - window.innerWidth;
      });
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: join(outputDir, `${topology}-phone-product.png`), fullPage: true });
      stopWatching();
      expect(problems).toEqual([]);
    } finally {
      stopWatching();
      await page.close();
    }
  }, 180_000);

  it('says in words what the API refused (a wrong password, a weak one), then registers and signs in', async () => {
    const loginRefused: Excuse = (url, status) => url.endsWith('/api/auth/login') && status === 401;
    const registerRefused: Excuse = (url, status) => url.endsWith('/api/auth/register') && status === 400;
    const { page, problems, stopWatching } = await openStorefront([loginRefused, registerRefused]);
    try {
      await page.getByRole('link', { name: 'Sign in' }).click();
      const customer = await newCustomer();
      await signIn(page, { ...customer, password: 'not the password at all' });
      const alert = page.getByRole('alert');
      await alert.filter({ hasText: 'Wrong email or password.' }).waitFor();

      await page.getByRole('link', { name: 'Create an account' }).click();
      await heading(page, 'Create an account').waitFor();
      await page.getByLabel('Name').fill('Short Password');
      await page.getByLabel('Email').fill(`shopper-${randomUUID()}@example.com`);
      await page.getByLabel('Password').fill('short');
      await page.getByRole('button', { name: 'Create account' }).click();
      await alert.filter({ hasText: /Password/ }).waitFor();
      expect(await page.getByLabel('Password').getAttribute('aria-invalid')).toBe('true');

      // Registering for real signs in, and the header says so.
      await page.getByLabel('Password').fill(`a long enough passphrase ${tag}`);
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.getByRole('button', { name: /^Sign out/ }).waitFor();
      await page.locator('#live-state[data-state="live"]').waitFor({ timeout: liveWaitMs });
      stopWatching();
      expect(problems).toEqual([]);
    } finally {
      stopWatching();
      await page.close();
    }
  }, 90_000);

  it('has no WCAG 2.1 A or AA violation axe-core can find on any view, at desktop and phone width', async () => {
    // axe-core is injected from outside the page, which its own Content-Security-Policy would refuse.
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
    const violationsOn = async (view: string): Promise<string[]> => {
      await page.addScriptTag({ content: axeSource });
      const found = await page.evaluate(async () => {
        const { axe, document } = globalThis as unknown as { axe: AxeRunner; document: object };
        const result = await axe.run(document, {
          runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
        });
        return result.violations.map(
          (violation) => `${violation.id}: ${violation.nodes.map((n) => n.target).join(' ')}`,
        );
      });
      return found.map((violation) => `${view}: ${violation}`);
    };
    try {
      const customer = await newCustomer('Alan Turing');
      const violations: string[] = [];
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: 900 });
        await page.goto(`${baseUrl()}/#/category/${encodeURIComponent((await categoryOf(kettle)) ?? '')}`);
        await page.getByRole('list', { name: 'Products' }).getByRole('link', { name: kettle.name }).waitFor();
        violations.push(...(await violationsOn(`category at ${width}`)));
        await page.goto(`${baseUrl()}/#/product/${kettle.id}`);
        await page.getByText('Stock updates live.').waitFor({ timeout: liveWaitMs });
        violations.push(...(await violationsOn(`product at ${width}`)));
        if (width === 1280) await addToCart(page, kettle, 1);
        await page.goto(`${baseUrl()}/#/cart`);
        await page.locator('.cart-line').first().waitFor();
        violations.push(...(await violationsOn(`cart at ${width}`)));
        await page.goto(`${baseUrl()}/#/register`);
        await heading(page, 'Create an account').waitFor();
        violations.push(...(await violationsOn(`register at ${width}`)));
        if (width === 1280) {
          await page.goto(`${baseUrl()}/#/sign-in?next=checkout`);
          await signIn(page, customer);
        } else {
          await page.goto(`${baseUrl()}/#/checkout`);
        }
        await page.getByLabel('Card number').waitFor();
        violations.push(...(await violationsOn(`checkout at ${width}`)));
        await page.goto(`${baseUrl()}/#/notifications`);
        await heading(page, 'Notifications').waitFor();
        violations.push(...(await violationsOn(`notifications at ${width}`)));
      }
      expect(violations).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});

/** What the test uses of axe-core's API inside the page. */
interface AxeRunner {
  run(
    context: object,
    options: { runOnly: { type: 'tag'; values: string[] } },
  ): Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }>;
}

async function categoryOf(product: ShopProduct): Promise<string | undefined> {
  return ((await json(await get(`/api/products/${product.id}`))) as { categoryId?: string }).categoryId;
}
