import { randomUUID } from 'node:crypto';
import { type CustomerRegistered, topics } from '@shop/contracts';
import type { ServiceManifest } from '@shop/kit';
import { type FixturePlatform, startWithFixtureIdentity } from '@shop/testkit/src/embedded-with-fixture';
import { notificationsService } from '../../notifications/src/service';
import { type DevMailbox, startDevMailbox } from '../src/dev-mailbox';

let mailbox: DevMailbox;
let shop: FixturePlatform;

beforeAll(async () => {
  mailbox = await startDevMailbox();
  shop = await startWithFixtureIdentity([notificationsService as ServiceManifest, mailbox.manifest], {
    name: 'dev-mailbox',
    env: { SMTP_URL: mailbox.smtpUrl, NOTIFICATION_SEND_INTERVAL_MS: '25' },
  });
});
afterAll(() => shop.stop());

async function until<T>(probe: () => T | undefined, ms = 5_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the dev mailbox of npm start', () => {
  it('catches the emails the platform sends and shows them at /dev/mailbox, escaped', async () => {
    const customer: CustomerRegistered = {
      customerId: randomUUID(),
      email: 'dev@example.com',
      name: '<b>Dev</b>',
      registeredAt: new Date().toISOString(),
    };
    await shop.platform.bus.meshFor('identity').publish(topics.customerRegistered, {
      id: randomUUID(),
      type: topics.customerRegistered,
      occurredAt: new Date().toISOString(),
      data: customer,
    });
    const mail = await until(() => mailbox.mails().find((candidate) => candidate.to.includes('dev@example.com')));
    expect(mail.subject).toBe('Welcome to the shop, <b>Dev</b>');

    const page = await fetch(`${shop.platform.url}/dev/mailbox`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('Welcome to the shop, &lt;b&gt;Dev&lt;/b&gt;');
    expect(html).not.toContain('<b>Dev</b>');

    const one = await fetch(`${shop.platform.url}/dev/mailbox/${mail.id}`);
    expect(one.status).toBe(200);
    expect(one.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await one.text()).toContain('<p>Hello &lt;b&gt;Dev&lt;/b&gt;,</p>');
    expect((await fetch(`${shop.platform.url}/dev/mailbox/${randomUUID()}`)).status).toBe(404);
  });
});
