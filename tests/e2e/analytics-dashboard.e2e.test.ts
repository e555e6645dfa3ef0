// The admin dashboard in a real browser (Debian's Chromium, headless, driven by playwright-core), against each
// topology's origin: an admin signs in, sees the figures, an order placed through the API shows on the page without
// a reload; bad credentials and a customer account are refused with a message. Screenshots of the signed-in page
// (desktop and phone width) are saved under .tmp/test-output/analytics-dashboard/. First, the page as served: its
// form, bundled script and style, all from the same origin.
import { mkdirSync } from 'node:fs';
import { get as rawGet } from 'node:http';
import { join } from 'node:path';
import { json } from '@shop/testkit/src/listen';
import { chromiumBrowser, ensureBinary } from '@shop/testkit/src/system-binaries';
import { type Browser, chromium, type Page } from 'playwright-core';
import { adminToken, bearer, developmentAdmin, newCustomer, postJson } from './support/accounts';
import { baseUrl } from './support/base-url';
import { eventually } from './support/eventually';
import { orderReaching, payment, productWithStock, shippingAddress } from './support/shop';

/** embedded, dapr or compose (set by the jest project's tests/e2e/support/use-*.ts): names the screenshots. */
const topology = process.env.E2E_TOPOLOGY ?? 'external';
const outputDir = join(__dirname, '..', '..', '.tmp', 'test-output', 'analytics-dashboard');
/** A figure reflects an event within 5 seconds; the saga runs first. */
const liveWaitMs = 30_000;

let browser: Browser;

/** What the checks read of the page's window (this file is type-checked without the DOM's types). */
interface PageGlobals {
  notReloaded?: boolean;
  innerWidth: number;
  document: { documentElement: { scrollWidth: number } };
}

beforeAll(async () => {
  mkdirSync(outputDir, { recursive: true });
  browser = await chromium.launch({
    executablePath: ensureBinary(chromiumBrowser),
    // Chromium's sandbox needs user namespaces that a root test run on a CI machine does not have.
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

/** The dashboard in a fresh page that records every script error (the test fails on any). */
async function openDashboard(): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  const response = await page.goto(`${baseUrl()}/admin`);
  expect(response?.status()).toBe(200);
  return { page, errors };
}

async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

const metric = (page: Page, path: string) => page.locator(`[data-metric="${path}"]`);
const metricValue = async (page: Page, path: string) => Number(await metric(page, path).getAttribute('data-value'));

describe(`the admin dashboard in Chromium (${topology})`, () => {
  it('shows the figures to an admin and follows an order placed through the API without a reload', async () => {
    const { page, errors } = await openDashboard();
    try {
      await signIn(page, developmentAdmin.email, developmentAdmin.password);
      await metric(page, 'orders.placed').waitFor();
      for (const path of [
        'orders.placed',
        'orders.held',
        'orders.paid',
        'orders.failed',
        'orders.cancelled',
        'customers.registered',
      ]) {
        expect([path, await metric(page, path).getAttribute('data-value')]).toEqual([
          path,
          expect.stringMatching(/^\d+$/),
        ]);
      }
      await page.locator('#live-status[data-state="live"]').waitFor({ timeout: liveWaitMs });
      expect(await page.locator('#sales-chart').getAttribute('aria-label')).toMatch(/^Sales over \d+ days: /);
      // The page must not load again: a mark left in it now is still there when the figures change.
      await page.evaluate(() => {
        (globalThis as unknown as PageGlobals).notReloaded = true;
      });
      const placedBefore = await metricValue(page, 'orders.placed');
      const paidBefore = await metricValue(page, 'orders.paid');

      const customer = await newCustomer();
      const productId = await productWithStock(6, 4321);
      const res = await postJson(
        '/api/orders',
        { items: [{ productId, quantity: 2 }], shippingAddress, payment: payment() },
        bearer(customer.accessToken),
      );
      expect(res.status).toBe(202);
      await orderReaching((await json(res)).id, customer.accessToken, ['Paid']);

      // Read from outside the page: its Content-Security-Policy forbids evaluating strings inside it.
      await eventually(
        async () => expect(await metricValue(page, 'orders.paid')).toBeGreaterThan(paidBefore),
        liveWaitMs,
      );
      expect(await metricValue(page, 'orders.placed')).toBeGreaterThan(placedBefore);
      expect(Number(await metric(page, 'revenue.EUR').getAttribute('data-value'))).toBeGreaterThanOrEqual(8642);
      expect(await metric(page, 'revenue.EUR').textContent()).toMatch(/€/);
      // The panels follow too: they show the read models as they are after the order (the product just sold among
      // them when it ranks; how it ranks depends on what the rest of the suite sold in this topology).
      const admin = await adminToken();
      const productsIn = async (path: string) => {
        const rows = (await json(await fetch(`${baseUrl()}${path}`, { headers: bearer(admin) }))) as Array<{
          productId: string;
        }>;
        return rows.map((row) => row.productId);
      };
      const productsShown = (panel: string) =>
        page
          .locator(`${panel} tr[data-product-id]`)
          .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-product-id')));
      await eventually(async () => {
        const [top, outlook] = await Promise.all([
          productsIn('/api/analytics/top-products?limit=5'),
          productsIn('/api/analytics/stock-outlook?limit=8'),
        ]);
        expect(await productsShown('#top-products')).toEqual(top);
        expect(await productsShown('#stock-outlook')).toEqual(outlook);
      }, liveWaitMs);
      expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).notReloaded)).toBe(true);
      await page.screenshot({ path: join(outputDir, `${topology}-desktop.png`), fullPage: true });

      // Phone width: nothing wider than the screen, every tile still readable.
      await page.setViewportSize({ width: 390, height: 844 });
      await page.waitForTimeout(200);
      const overflow = await page.evaluate(() => {
        const page = globalThis as unknown as PageGlobals;
        return page.document.documentElement.scrollWidth - page.innerWidth;
      });
      expect(overflow).toBeLessThanOrEqual(0);
      expect(await metric(page, 'orders.paid').isVisible()).toBe(true);
      await page.screenshot({ path: join(outputDir, `${topology}-phone.png`), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 120_000);

  it('renews the access token a minute before it expires, reads with the renewed one, and keeps the renewed login', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
    try {
      // The page's wall clock is the test's to move: waiting out a real token lifetime would take 15 minutes. Only
      // the wall clock jumps (setSystemTime fires no timer): the page's timers keep real time, so the SignalR
      // client's keep-alive and server timeout see nothing unusual and the live connection stays up.
      await page.clock.install();
      await page.goto(`${baseUrl()}/admin`);
      const login = page.waitForResponse((response) => response.url().endsWith('/api/auth/login'));
      await signIn(page, developmentAdmin.email, developmentAdmin.password);
      const { expiresIn, accessToken } = (await (await login).json()) as { expiresIn: number; accessToken: string };
      await page.locator('#live-status[data-state="live"]').waitFor({ timeout: liveWaitMs });

      const refreshed = page.waitForResponse((response) => response.url().endsWith('/api/auth/refresh'));
      await page.clock.setSystemTime(Date.now() + (expiresIn - 60 + 1) * 1000);
      const renewal = await refreshed;
      expect(renewal.status()).toBe(200);
      const renewed = (await renewal.json()) as { accessToken: string; refreshToken: string };
      expect(renewed.accessToken).not.toBe(accessToken);
      // The page takes the pair once it has read the answer; a read already under way may still carry the old one.
      await page.waitForTimeout(250);

      // The next read: an order placed through the API changes the figures, and the page reads its panels again.
      const nextRead = page.waitForRequest((request) => request.url().includes('/api/analytics/'));
      const customer = await newCustomer();
      const productId = await productWithStock(3, 1000);
      const placed = await postJson(
        '/api/orders',
        { items: [{ productId, quantity: 1 }], shippingAddress, payment: payment() },
        bearer(customer.accessToken),
      );
      expect(placed.status).toBe(202);
      const read = await nextRead;
      expect(read.headers().authorization).toBe(`Bearer ${renewed.accessToken}`);
      expect((await read.response())?.status()).toBe(200);
      expect(await page.locator('#live-status').getAttribute('data-state')).toBe('live');

      // The page holds the renewed pair: signing out ends the login with the renewed refresh token (the old one was
      // spent by the renewal, and identity would refuse it).
      const loggedOut = page.waitForRequest((request) => request.url().endsWith('/api/auth/logout'));
      await page.getByRole('button', { name: 'Sign out' }).click();
      const logout = await loggedOut;
      expect(JSON.parse(logout.postData() ?? '{}')).toEqual({ refreshToken: renewed.refreshToken });
      expect((await logout.response())?.ok()).toBe(true);
      await page.locator('#sign-in-message', { hasText: 'Signed out.' }).waitFor();
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 120_000);

  it('refuses bad credentials and a customer account with a clear message, showing no figures', async () => {
    const { page, errors } = await openDashboard();
    try {
      await signIn(page, developmentAdmin.email, 'not-the-password');
      await page.locator('#sign-in-message', { hasText: 'Wrong email or password.' }).waitFor();
      const customer = await newCustomer();
      await signIn(page, customer.email, customer.password);
      await page.locator('#sign-in-message', { hasText: 'not an administrator' }).waitFor();
      expect(await page.locator('#dashboard').isHidden()).toBe(true);
      expect(await page.locator('[data-metric]').count()).toBe(0);
      expect(await page.locator('#sign-in-message').getAttribute('role')).toBe('alert');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 60_000);
});

describe('the admin dashboard page as served', () => {
  /** Raw HTTP: the exact path matters (fetch would follow nothing here, but says nothing of a path's form either). */
  function fetchRaw(path: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
    return new Promise((resolve, reject) => {
      rawGet(`${baseUrl()}${path}`, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      }).on('error', reject);
    });
  }

  it('is served at /admin on the same origin, with a sign-in form and its bundled script and style', async () => {
    const page = await fetchRaw('/admin');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.body).toMatch(/<input id="email" name="email" type="email"/);
    expect(page.body).toMatch(/<input id="password" name="password" type="password"/);
    const scripts = [...page.body.matchAll(/<script[^>]* src="([^"]+)"/g)].map((match) => match[1] as string);
    expect(scripts).toEqual(['/admin/dashboard.js']);
    const script = await fetchRaw('/admin/dashboard.js');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    // Chart.js and the SignalR client inside, nothing fetched from elsewhere.
    expect(script.body).toContain('MetricsChanged');
    expect(script.body).toMatch(/Chart\.js v4/);
    expect(script.body).not.toMatch(/https?:\/\/(cdn|unpkg|cdnjs)/);
    const style = await fetchRaw('/admin/dashboard.css');
    expect(style.status).toBe(200);
    expect(style.headers['content-type']).toBe('text/css; charset=utf-8');
  });
});
