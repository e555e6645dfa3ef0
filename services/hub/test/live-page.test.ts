import { get } from 'node:http';
import { hubClient, nextInvocation } from '@shop/signalr/test/support/clients';
import { startCuttableProxy } from '@shop/signalr/test/support/cuttable-proxy';
import { chromiumBrowser, ensureBinary } from '@shop/testkit/src/system-binaries';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type HubPlatform, startHubPlatform } from './support/hub-platform';

// The live-stock page in a real browser (Debian's Chromium, headless, driven by playwright-core) against the hub
// hosted as the platform hosts it, beside the real inventory service.

let shop: HubPlatform;
let browser: Browser;

beforeAll(async () => {
  shop = await startHubPlatform();
  browser = await chromium.launch({
    executablePath: ensureBinary(chromiumBrowser),
    // Chromium's sandbox needs user namespaces that a root test run on a CI machine does not have.
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await shop?.stop();
});

/** A fresh page that fails the test on any script error, CSP violation or console error it reports. */
async function openPage(query: string, origin = shop.url): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  const response = await page.goto(`${origin}/hubs/inventory/live${query}`);
  expect(response?.status()).toBe(200);
  return { page, problems };
}

const text = (page: Page, selector: string) => page.locator(selector).textContent();

describe('the live-stock page', () => {
  it('shows the current stock of a product and follows the adjustments an admin makes', async () => {
    const productId = await shop.productWithStock(12);
    const { page, problems } = await openPage(`?productId=${productId}`);
    try {
      await page.locator('#status[data-state="live"]').waitFor();
      expect(await text(page, '#product')).toBe(productId);
      expect(await text(page, '#available')).toBe('12');
      expect(await text(page, '#onHand')).toBe('12');
      expect(await text(page, '#reserved')).toBe('0');

      await shop.adjust(productId, -5);
      await page.locator('#available', { hasText: /^7$/ }).waitFor();
      expect(await text(page, '#onHand')).toBe('7');

      await shop.adjust(productId, 30);
      await page.locator('#available', { hasText: /^37$/ }).waitFor();
      expect(await page.locator('#updatedAt').getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('shows only the watched product, though other products change', async () => {
    const [watched, other] = [await shop.productWithStock(3), await shop.productWithStock(50)];
    const { page, problems } = await openPage(`?productId=${watched}`);
    try {
      await page.locator('#status[data-state="live"]').waitFor();
      await shop.adjust(other, -10);
      await shop.adjust(watched, 1);
      await page.locator('#available', { hasText: /^4$/ }).waitFor();
      expect(await text(page, '#product')).toBe(watched);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('reconnects after the network drops and shows the change it missed meanwhile', async () => {
    const productId = await shop.productWithStock(5);
    const proxy = await startCuttableProxy(Number(new URL(shop.url).port));
    const witness = hubClient(`${shop.url}/hubs/inventory`);
    await witness.start();
    const { page } = await openPage(`?productId=${productId}`, proxy.url);
    try {
      await page.locator('#status[data-state="live"]').waitFor();
      await witness.invoke('SubscribeProduct', productId);
      // What the hub sends the page from now on is lost on the way; the witness sees the hub send the change.
      proxy.stall();
      const sent = nextInvocation(witness, 'StockChanged');
      await shop.adjust(productId, 3);
      expect(await sent).toEqual([expect.objectContaining({ productId, available: 8 })]);
      expect(await text(page, '#available')).toBe('5');
      const connectionsBefore = proxy.accepted;
      proxy.cut();
      await page.locator('#available', { hasText: /^8$/ }).waitFor();
      await page.locator('#status[data-state="live"]').waitFor();
      expect(proxy.accepted).toBeGreaterThan(connectionsBefore);
    } finally {
      await page.close();
      await witness.stop();
      await proxy.close();
    }
  });

  it('watches the product typed into its form', async () => {
    const productId = await shop.productWithStock(8);
    const { page, problems } = await openPage('');
    try {
      expect(await page.locator('#status').getAttribute('data-state')).toBe('idle');
      expect(await page.locator('#stock').isHidden()).toBe(true);
      await page.locator('#productId').fill(productId);
      await page.locator('button[type="submit"]').click();
      await page.locator('#status[data-state="live"]').waitFor();
      expect(new URL(page.url()).searchParams.get('productId')).toBe(productId);
      expect(await text(page, '#available')).toBe('8');
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("shows the hub's refusal of a product id that is not a UUID", async () => {
    const { page, problems } = await openPage('?productId=espresso-cups');
    try {
      await page.locator('#status[data-state="error"]').waitFor();
      expect(await text(page, '#status')).toBe('productId must be a UUID');
      expect(await page.locator('#stock').isHidden()).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('writes what it receives as text, never as markup', async () => {
    const { page } = await openPage(`?productId=${encodeURIComponent('<img src=x onerror=alert(1)>')}`);
    try {
      await page.locator('#status[data-state="error"]').waitFor();
      expect(await page.locator('#product').textContent()).toBe('<img src=x onerror=alert(1)>');
      expect(await page.locator('img').count()).toBe(0);
    } finally {
      await page.close();
    }
  });
});

describe('the page over HTTP', () => {
  it('is served with a content security policy that lets only its own code run', async () => {
    const res = await fetch(`${shop.url}/hubs/inventory/live`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const policy = res.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("default-src 'none'");
    expect(policy).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/]+={0,2}'/);
    expect(policy).not.toContain('unsafe-inline');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain('<script src="/hubs/inventory/live/signalr.min.js"></script>');
  });

  it('serves the stock client library with a validator, answering 304 when the copy is current', async () => {
    const res = await fetch(`${shop.url}/hubs/inventory/live/signalr.min.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await res.text()).toContain('HubConnectionBuilder');
    const etag = res.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    // node:http, not fetch: fetch adds `Cache-Control: no-cache` to a conditional request, which asks for the body.
    const status = await new Promise<number | undefined>((resolve, reject) => {
      get(`${shop.url}/hubs/inventory/live/signalr.min.js`, { headers: { 'if-none-match': etag } }, (answer) => {
        answer.resume();
        resolve(answer.statusCode);
      }).on('error', reject);
    });
    expect(status).toBe(304);
  });

  it('answers methods other than GET and HEAD with 405', async () => {
    const res = await fetch(`${shop.url}/hubs/inventory/live`, { method: 'POST' });
    expect(res.status).toBe(405);
    expect((await fetch(`${shop.url}/hubs/inventory/live`, { method: 'HEAD' })).status).toBe(200);
  });
});
