import { randomUUID } from 'node:crypto';
import { NotificationSent, newEvent } from '@shop/contracts';
import type { HandlerContext } from '@shop/kit';
import type { CustomerContact } from '../domain/customer-contact';
import type { Delivery } from '../domain/delivery';
import type { InAppNotification } from '../domain/in-app-notification';
import { notificationsLimits } from '../domain/limits';
import { messageIdOf } from '../domain/message-id';
import { nextAttemptAt } from '../domain/retry-schedule';
import type { AttemptOutcome, NotificationsDeps, NotificationsStore, SendFailure } from './ports';

export interface DeliverOptions {
  /** Deliveries taken per pass. */
  batchSize: number;
  /** Deliveries sent at once: a slow server holds up this many, never the whole queue. */
  concurrency: number;
  /** How long a claim holds; longer than any send may take (a lapsed claim is sent again). */
  claimMs: number;
}

/** What a claimed delivery needs to be sent, read in the claiming transaction. */
interface Claimed {
  delivery: Delivery;
  contact: CustomerContact | undefined;
  notification: InAppNotification | undefined;
}

interface Attempt {
  delivery: Delivery;
  /** null when sent. */
  error: string | null;
  failure: SendFailure;
  at: Date;
}

/**
 * One pass of the sender. In one transaction it claims the due deliveries (a conditional UPDATE under this pass's
 * token, so replicas and overlapping passes never send one twice) and reads what sending them needs; it sends
 * them outside any transaction, `concurrency` at a time; then in one transaction it records each outcome its
 * claim still holds: `Sent` (announcing notifications.notification-sent through the outbox), a failed attempt
 * with the next one scheduled, or `Failed` once the retry window is over or the other side refused for good. A
 * send that fails delays only its own delivery. A crash before the outcomes are recorded leaves the claims to
 * lapse: the deliveries are sent again once, with the same Message-ID.
 */
export async function deliverDue(
  ctx: HandlerContext,
  options: DeliverOptions,
  deps: NotificationsDeps,
): Promise<number> {
  const token = randomUUID();
  const now = deps.clock.now();
  const claimed = await deps.unitOfWork((store) =>
    claimBatch(store, now, { token, until: new Date(now.getTime() + options.claimMs) }, options.batchSize),
  );
  if (claimed.length === 0) return 0;
  const attempts: Attempt[] = [];
  let next = 0;
  const worker = async () => {
    while (next < claimed.length) {
      const item = claimed[next++] as Claimed;
      try {
        await send(item, deps);
        attempts.push({ delivery: item.delivery, error: null, failure: {}, at: deps.clock.now() });
      } catch (thrown) {
        attempts.push({
          delivery: item.delivery,
          error: describe(thrown),
          failure: (thrown ?? {}) as SendFailure,
          at: deps.clock.now(),
        });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, claimed.length) }, worker));
  const outcomes = await deps.unitOfWork((store) => record(store, token, attempts, deps));
  for (const [index, attempt] of attempts.entries()) {
    const outcome = outcomes[index] as AttemptOutcome;
    if (outcome !== 'Sent') {
      ctx.log.warn(
        {
          deliveryId: attempt.delivery.id,
          channel: attempt.delivery.channel,
          attempts: attempt.delivery.attempts,
          error: attempt.error,
          outcome,
        },
        outcome === 'Retry' ? 'notification not sent; will retry' : 'notification not sent',
      );
    }
    deps.onAttempt?.(attempt.delivery, outcome);
  }
  return claimed.length;
}

async function claimBatch(
  store: NotificationsStore,
  now: Date,
  claim: { token: string; until: Date },
  limit: number,
): Promise<Claimed[]> {
  const deliveries = await store.deliveries.claimDue(now, claim, limit);
  const customerIds = [...new Set(deliveries.filter((d) => d.channel !== 'inApp').map((d) => d.customerId))];
  const notificationIds = deliveries.flatMap((d) => (d.notificationId ? [d.notificationId] : []));
  const contacts = new Map((await store.contacts.byIds(customerIds)).map((c) => [c.customerId, c]));
  const notifications = new Map((await store.inApp.byIds(notificationIds)).map((n) => [n.id, n]));
  return deliveries.map((delivery) => ({
    delivery,
    contact: contacts.get(delivery.customerId),
    notification: delivery.notificationId ? notifications.get(delivery.notificationId) : undefined,
  }));
}

async function record(
  store: NotificationsStore,
  token: string,
  attempts: Attempt[],
  deps: NotificationsDeps,
): Promise<AttemptOutcome[]> {
  const outcomes: AttemptOutcome[] = [];
  for (const { delivery, error, failure, at } of attempts) {
    if (error === null) {
      const settled = await store.deliveries.settle(delivery.id, token, 'Sent', { sentAt: at, error: null });
      if (settled) {
        const { topic, envelope } = newEvent(
          NotificationSent,
          {
            notificationId: delivery.id,
            customerId: delivery.customerId,
            type: delivery.type,
            channel: delivery.channel,
            eventId: delivery.eventId,
            sentAt: at.toISOString(),
          },
          at,
        );
        await store.outbox(topic, envelope);
      }
      outcomes.push(settled ? 'Sent' : 'Lost');
      continue;
    }
    const retryAt = failure.retryable === false ? null : retryTime(delivery, at, failure, deps);
    const settled = await store.deliveries.settle(delivery.id, token, retryAt ? 'Pending' : 'Failed', {
      error,
      nextAttemptAt: retryAt,
    });
    outcomes.push(settled ? (retryAt ? 'Retry' : 'Failed') : 'Lost');
  }
  return outcomes;
}

/** The next attempt's time: the schedule's, or later when the other side asked to wait longer (within the window). */
function retryTime(delivery: Delivery, at: Date, failure: SendFailure, deps: NotificationsDeps): Date | null {
  const scheduled = nextAttemptAt(delivery.attempts, delivery.createdAt, at, deps.retry);
  if (!scheduled || failure.retryAfterMs === undefined) return scheduled;
  return new Date(Math.max(scheduled.getTime(), at.getTime() + failure.retryAfterMs));
}

/** Hands the delivery to its channel; throws when the channel did not take it. */
async function send({ delivery, contact, notification }: Claimed, deps: NotificationsDeps): Promise<void> {
  switch (delivery.channel) {
    case 'email': {
      if (!contact) throw new Error('the customer is not known (no customers.customer-registered yet)');
      const words = deps.renderer.render(delivery.type, contact.locale, { ...delivery.facts, name: contact.name });
      await deps.email.send({
        messageId: messageIdOf(delivery, deps.messageIdDomain),
        to: contact.email,
        subject: words.subject,
        text: words.text,
        html: words.html,
      });
      return;
    }
    case 'sms': {
      if (!deps.sms) throw new Error('no SMS provider configured');
      if (!contact?.phone) throw new Error('the customer has no phone number');
      const words = deps.renderer.render(delivery.type, contact.locale, { ...delivery.facts, name: contact.name });
      await deps.sms.send({ to: contact.phone, body: words.text, idempotencyKey: `${delivery.eventId}:sms` });
      return;
    }
    case 'inApp': {
      // Stored when recorded: the customer's list has it. Pushed live when a pusher is configured; a
      // notification deleted meanwhile (the account was) has nobody to reach.
      if (!deps.inAppPusher || !notification) return;
      await deps.inAppPusher.push(notification.customerId, {
        id: notification.id,
        type: notification.type,
        title: notification.title,
        body: notification.body,
        ...(notification.orderId ? { orderId: notification.orderId } : {}),
        createdAt: notification.createdAt.toISOString(),
      });
      return;
    }
  }
}

/**
 * The email's Message-ID, the same for every attempt of the delivery: a resend after a crash between sending and
 * recording carries the same id, so mail systems drop the duplicate.
 */

function describe(failure: unknown): string {
  const message = failure instanceof Error ? failure.message : String(failure);
  return message.slice(0, notificationsLimits.errorLength);
}
