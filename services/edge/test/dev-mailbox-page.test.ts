import { chromiumBrowser, ensureBinary } from '@shop/testkit/src/system-binaries';
import { createTransport } from 'nodemailer';
import { type Browser, chromium } from 'playwright-core';
import { serveDevMailbox, startDevMailbox } from '../src/dev-mailbox';

// The mailbox page in a real browser (Debian's Chromium, headless): a developer opens /dev/mailbox, reads the list
// and follows a link to one email, which renders its HTML part and runs none of its scripts.

let browser: Browser;
let served: Awaited<ReturnType<typeof serveDevMailbox>>;

beforeAll(async () => {
  served = await serveDevMailbox(await startDevMailbox());
  browser = await chromium.launch({
    executablePath: ensureBinary(chromiumBrowser),
    // Chromium's sandbox needs user namespaces that a root test run on a CI machine does not have.
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await served?.close();
});

async function send(subject: string, html: string): Promise<void> {
  const transport = createTransport({ url: served.smtpUrl });
  try {
    await transport.sendMail({
      from: 'shop@shop.local',
      to: 'ada@example.com',
      subject,
      text: `${subject} (text)`,
      html,
    });
  } finally {
    transport.close();
  }
}

describe('the dev mailbox page', () => {
  it('lists the caught emails newest first and opens one, rendered, with its scripts kept from running', async () => {
    await send('Welcome to the shop', '<p id="greeting">Hello <b>Ada</b>,</p>');
    await send('Order <confirmed>', '<p id="order">Paid</p><script>document.title = "ran"</script>');
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('requestfailed', (request) => problems.push(`failed request: ${request.url()}`));
    try {
      const response = await page.goto(`${served.url}/dev/mailbox`);
      expect(response?.status()).toBe(200);
      expect(await page.locator('h1').textContent()).toBe('Dev mailbox');
      expect(await page.locator('article h2').allTextContents()).toEqual(['Order <confirmed>', 'Welcome to the shop']);
      expect(await page.locator('article pre').first().textContent()).toBe('Order <confirmed> (text)');

      await page.getByRole('link', { name: 'Order <confirmed>' }).click();
      await page.locator('#order').waitFor();
      expect(await page.locator('#order').textContent()).toBe('Paid');
      // The email's own script is refused by the page's policy (default-src 'none').
      expect(await page.title()).not.toBe('ran');

      await page.goBack();
      await page.getByRole('link', { name: 'Welcome to the shop' }).click();
      expect(await page.locator('#greeting').innerHTML()).toBe('Hello <b>Ada</b>,');
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
