// Emails per second to a local SMTP server: the notifications service end to end (events in through the kit's
// intake, one delivery per channel recorded, the sender job claiming, rendering and sending, Sent recorded and
// announced), next to nodemailer alone sending the same rendered email over the same number of connections.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CustomerRegistered, topics } from '@shop/contracts';
import { createLogger, runEmbedded, type ServiceManifest } from '@shop/kit';
import { createTransport } from 'nodemailer';
import { hubService } from '../../services/hub/src/service';
import { HandlebarsRenderer } from '../../services/notifications/src/infrastructure/handlebars-renderer';
import { notificationsService } from '../../services/notifications/src/service';
import { forkChild } from './hub-child';
import { drive, type RateResult } from './rates';

const connections = 4;

export async function notificationThroughput(seconds: number, logDir: string): Promise<RateResult[]> {
  const sink = await forkChild('smtp-sink', join(__dirname, '..', 'servers', 'smtp-sink.ts'), { logDir });
  try {
    const url = await sink.request<string>('url');
    const count = () => sink.request<number>('count');
    return [await nodemailerAlone(url, seconds, count), await service(url, seconds, count)];
  } finally {
    await sink.stop();
  }
}

async function nodemailerAlone(url: string, seconds: number, count: () => Promise<number>): Promise<RateResult> {
  const words = new HandlebarsRenderer().render('Welcome', 'en', { name: 'Ada Lovelace' });
  const transporter = createTransport({ url, pool: true, maxConnections: connections });
  const before = await count();
  const rate = await drive(connections, seconds, async () => {
    await transporter.sendMail({
      from: 'Shop <no-reply@shop.local>',
      to: 'ada@example.com',
      subject: words.subject,
      text: words.text,
      html: words.html,
      messageId: `<${randomUUID()}.email@shop.local>`,
    });
    return true;
  });
  transporter.close();
  const received = (await count()) - before;
  return {
    name: `nodemailer alone (pool of ${connections}, one rendered email)`,
    ...rate,
    note: `${received} accepted by the server`,
  };
}

async function service(url: string, seconds: number, count: () => Promise<number>): Promise<RateResult> {
  // Beside the hub, as the platform hosts it: each registration's in-app notification is pushed too.
  const platform = await runEmbedded([hubService as ServiceManifest, notificationsService as ServiceManifest], {
    env: {
      PORT: '0',
      SHOP_DATA_DIR: mkdtempSync(join(tmpdir(), 'bench-notifications-')),
      LOG_LEVEL: 'fatal',
      SMTP_URL: url,
      NOTIFICATION_SEND_INTERVAL_MS: '10',
      NOTIFICATION_SEND_BATCH_SIZE: '200',
      NOTIFICATION_SEND_CONCURRENCY: String(connections),
    },
    log: createLogger({ name: 'bench-notifications', level: 'fatal' }),
  });
  try {
    const identity = platform.bus.meshFor('identity');
    const before = await count();
    const started = performance.now();
    const deadline = Date.now() + seconds * 1000;
    let published = 0;
    // Registrations go in as fast as the intake takes them; each is one Welcome email.
    while (Date.now() < deadline) {
      const customer: CustomerRegistered = {
        customerId: randomUUID(),
        email: `${randomUUID().slice(0, 8)}@example.com`,
        name: 'Ada Lovelace',
        registeredAt: new Date().toISOString(),
      };
      await identity.publish(topics.customerRegistered, {
        id: randomUUID(),
        type: topics.customerRegistered,
        occurredAt: new Date().toISOString(),
        data: customer,
      });
      published += 1;
      if (published % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    // Then every email the events asked for, counted by the server.
    for (;;) {
      const received = (await count()) - before;
      if (received >= published) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const elapsedSeconds = (performance.now() - started) / 1000;
    return {
      name: `notifications service (registered → Welcome email, ${connections} connections, SQLite)`,
      perSecond: Math.round(published / elapsedSeconds),
      p50Ms: 0,
      p99Ms: 0,
      note: `${published} events, all emails accepted in ${elapsedSeconds.toFixed(1)} s; latency not measured`,
    };
  } finally {
    await platform.shutdown();
  }
}
