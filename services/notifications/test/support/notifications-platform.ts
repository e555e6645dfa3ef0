import { randomUUID } from 'node:crypto';
import {
  type CustomerRegistered,
  type CustomerUpdated,
  type EventEnvelope,
  type OrderStatusEvent,
  type Topic,
  topics,
} from '@shop/contracts';
import type { ServiceManifest } from '@shop/kit';
import { startWithFixtureIdentity } from '@shop/testkit/src/embedded-with-fixture';
import { signToken } from '@shop/testkit/src/jwt-fixture';
import { hubService } from '../../../hub/src/service';
import { notificationsService } from '../../src/service';
import { type SmtpInbox, startSmtpInbox } from './smtp-inbox';

/**
 * The notifications service hosted as the platform hosts it (embedded: the kit's host, the in-process mesh, a
 * SQLite file, the hub beside it), sending to a real SMTP server of the test, with a recorder of what it publishes.
 */
export async function startNotifications(options: { env?: Record<string, string>; smtp?: SmtpInbox } = {}) {
  const smtp = options.smtp ?? (await startSmtpInbox());
  // Beside the hub, as the platform hosts it: in-app notifications are pushed through its REST API.
  const manifests = [hubService as ServiceManifest, notificationsService as ServiceManifest];
  const { platform, key, stop } = await startWithFixtureIdentity(manifests, {
    name: 'notifications',
    env: {
      SMTP_URL: smtp.url,
      NOTIFICATION_SEND_INTERVAL_MS: '25',
      NOTIFICATION_RETRY_BASE_MS: '50',
      NOTIFICATION_RETRY_MAX_DELAY_MS: '200',
      SMTP_TIMEOUT_MS: '2000',
      ...options.env,
    },
  });
  const sent: EventEnvelope[] = [];
  platform.bus.register('recorder', {
    subscriptions: [
      {
        topic: topics.notificationSent,
        async handle(event) {
          sent.push(event);
          return 'success' as const;
        },
      },
    ],
  });

  const admin = signToken(key, { roles: ['admin'] }, { subject: randomUUID() });
  const tokenOf = (customerId: string) => signToken(key, { roles: ['customer'] }, { subject: customerId });

  const request = async (method: string, path: string, init: { token?: string; body?: unknown } = {}) => {
    const response = await fetch(`${platform.url}${path}`, {
      method,
      headers: {
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
  };

  const publish = async <T>(from: string, topic: Topic, data: T, id: string = randomUUID()) => {
    const event: EventEnvelope<T> = { id, type: topic, occurredAt: new Date().toISOString(), data };
    await platform.bus.meshFor(from).publish(topic, event);
    return event;
  };

  const notifications = {
    platform,
    smtp,
    admin,
    tokenOf,
    request,
    publish,
    /** notifications.notification-sent events, as published. */
    sent: () => sent.map((event) => event.data as Record<string, unknown>),
    async registered(customer: Partial<CustomerRegistered> = {}, eventId?: string) {
      const data: CustomerRegistered = {
        customerId: randomUUID(),
        email: `${randomUUID().slice(0, 8)}@example.com`,
        name: 'Ada Lovelace',
        registeredAt: new Date().toISOString(),
        ...customer,
      };
      await publish('identity', topics.customerRegistered, data, eventId);
      return data;
    },
    updated(customer: CustomerUpdated) {
      return publish('identity', topics.customerUpdated, customer);
    },
    order(topic: Topic, data: Omit<OrderStatusEvent, 'at'>, eventId?: string) {
      return publish<OrderStatusEvent>('orders', topic, { ...data, at: new Date().toISOString() }, eventId);
    },
    /** The delivery log as an admin reads it, with filters. */
    async log(query: Record<string, string> = {}) {
      const answer = await request('GET', `/api/admin/notifications?${new URLSearchParams(query)}`, { token: admin });
      return answer.body as { items: Array<Record<string, unknown>>; nextCursor: string | null };
    },
    async stop() {
      await stop();
      if (!options.smtp) await smtp.close();
    },
  };
  return notifications;
}

export type NotificationsPlatform = Awaited<ReturnType<typeof startNotifications>>;

/** Polls until `probe` answers something truthy (a mail arrived, a delivery settled), or fails after `ms`. */
export async function eventually<T>(
  probe: () => T | false | null | undefined | Promise<T | false | null | undefined>,
  ms = 5_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
