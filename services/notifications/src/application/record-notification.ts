import { randomUUID } from 'node:crypto';
import type { HandlerContext } from '@shop/kit';
import { defaultPreferences } from '../domain/customer-contact';
import type { Delivery } from '../domain/delivery';
import type { InAppNotification } from '../domain/in-app-notification';
import { type Channel, channels, type NotificationFacts, type NotificationType } from '../domain/notification';
import type { Clock, NotificationRenderer, NotificationsStore } from './ports';

export interface RecordNotification {
  /** The triggering event's id: with the channel, it names the delivery once and for all. */
  eventId: string;
  customerId: string;
  type: NotificationType;
  facts: NotificationFacts;
}

export interface RecordDeps {
  store: NotificationsStore;
  clock: Clock;
  renderer: NotificationRenderer;
  /** Whether an SMS provider is configured: without one, SMS is `Skipped`. */
  smsConfigured: boolean;
}

/**
 * Records one delivery per channel for a triggering event, in the transaction of the event's inbox record, so an
 * event leads to its deliveries exactly once. A channel the customer turned off, or that cannot reach them (no
 * SMS provider, no phone), is `Skipped` at once; the others wait for the sender job. The in-app notification is
 * stored here, in the customer's language, so their list has it whatever the push does.
 */
export async function recordNotification(
  _ctx: HandlerContext,
  input: RecordNotification,
  deps: RecordDeps,
): Promise<Delivery[]> {
  const { store } = deps;
  const now = deps.clock.now();
  const preferences = (await store.preferences.of(input.customerId)) ?? defaultPreferences;
  const contact = await store.contacts.byId(input.customerId);
  const recorded: Delivery[] = [];
  // The inbox already runs an event once; the unique (event, channel) index is the last word on it.
  const already = new Set(await store.deliveries.channelsOf(input.eventId));
  for (const channel of channels) {
    if (already.has(channel)) continue;
    const skip = skipReason(channel, preferences[channel], {
      smsConfigured: deps.smsConfigured,
      hasPhone: Boolean(contact?.phone),
    });
    let notificationId: string | null = null;
    if (channel === 'inApp' && !skip) {
      const words = deps.renderer.render(input.type, contact?.locale ?? null, {
        ...input.facts,
        name: contact?.name ?? '',
      });
      const notification: InAppNotification = {
        id: randomUUID(),
        customerId: input.customerId,
        type: input.type,
        title: words.subject,
        body: words.text,
        orderId: input.facts.orderId ?? null,
        createdAt: now,
        readAt: null,
      };
      await store.inApp.insert(notification);
      notificationId = notification.id;
    }
    const delivery: Delivery = {
      id: randomUUID(),
      eventId: input.eventId,
      channel,
      customerId: input.customerId,
      type: input.type,
      facts: input.facts,
      status: skip ? 'Skipped' : 'Pending',
      attempts: 0,
      nextAttemptAt: skip ? null : now,
      claimedUntil: null,
      claimToken: null,
      error: skip ?? null,
      createdAt: now,
      sentAt: null,
      notificationId,
    };
    await store.deliveries.insert(delivery);
    recorded.push(delivery);
  }
  return recorded;
}

/** Why a channel is not used for this customer now, or null when it is. */
function skipReason(
  channel: Channel,
  wanted: boolean,
  reach: { smsConfigured: boolean; hasPhone: boolean },
): string | null {
  if (!wanted) return 'turned off in the preferences';
  if (channel === 'sms' && !reach.smsConfigured) return 'no SMS provider configured';
  if (channel === 'sms' && !reach.hasPhone) return 'no phone number';
  return null;
}
