import { randomUUID } from 'node:crypto';
import { type CustomerRegistered, topics } from '@shop/contracts';
import type { ServiceManifest } from '@shop/kit';
import { type FixturePlatform, startWithFixtureIdentity } from '@shop/testkit/src/embedded-with-fixture';
import { createTransport } from 'nodemailer';
import { notificationsService } from '../../notifications/src/service';
import { type DevMailbox, serveDevMailbox, startDevMailbox } from '../src/dev-mailbox';

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

    const listed = await fetch(`${shop.platform.url}/dev/mailbox`, { headers: { accept: 'application/json' } });
    const { items } = (await listed.json()) as { items: Array<{ id: string; subject: string; text: string }> };
    expect(items.find((item) => item.id === mail.id)).toMatchObject({ subject: mail.subject, text: mail.text });
  });

  it('answers alike on a port of its own, as start:dapr serves it behind the gateway', async () => {
    const served = await serveDevMailbox(await startDevMailbox());
    try {
      const transport = createTransport({ url: served.smtpUrl });
      await transport.sendMail({
        from: 'a@shop.local',
        to: 'b@example.com',
        subject: 'Hi <there>',
        text: 'x',
        html: '<p>x</p>',
      });
      transport.close();
      const json = (await (
        await fetch(`${served.url}/dev/mailbox`, { headers: { accept: 'application/json' } })
      ).json()) as {
        items: Array<{ id: string; subject: string }>;
      };
      expect(json.items.map((item) => item.subject)).toEqual(['Hi <there>']);
      const page = await (await fetch(`${served.url}/dev/mailbox`)).text();
      expect(page).toContain('Hi &lt;there&gt;');
      const one = await fetch(`${served.url}/dev/mailbox/${json.items[0]?.id}`);
      expect(one.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(await one.text()).toBe('<p>x</p>');
      expect((await fetch(`${served.url}/dev/mailbox/${randomUUID()}`)).status).toBe(404);
      // The gateway asks each route's target whether it is ready, and lists its OpenAPI document at /docs.
      expect((await fetch(`${served.url}/readyz`)).status).toBe(200);
      const document = (await (await fetch(`${served.url}/openapi/dev-mailbox.json`)).json()) as {
        paths: Record<string, Record<string, { 'x-access'?: string }>>;
      };
      expect(Object.keys(document.paths).sort()).toEqual(['/dev/mailbox', '/dev/mailbox/{id}']);
      expect(document.paths['/dev/mailbox']?.get?.['x-access']).toBe('anyone');
    } finally {
      await served.close();
    }
  });
});
