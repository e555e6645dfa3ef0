import { NotificationSent, newEvent } from '@shop/contracts';
import type { HandlerContext } from '@shop/kit';
import type { Delivery } from '../domain/delivery';
import { notificationsLimits } from '../domain/limits';
import { nextAttemptAt } from '../domain/retry-schedule';
import type { NotificationsDeps, SendFailure } from './ports';

export interface DeliverOptions {
  /** Deliveries taken per pass. */
  batchSize: number;
  /** Deliveries sent at once: a slow server holds up this many, never the whole queue. */
  concurrency: number;
  /** How long a claim holds; longer than any send may take (a lapsed claim is sent again). */
  claimMs: number;
}

export type AttemptOutcome = 'Sent' | 'Retry' | 'Failed' | 'Lost';

/** What the sender reports of each attempt (metrics). */
export type AttemptListener = (delivery: Delivery, outcome: AttemptOutcome) => void;

/**
 * One pass of the sender: takes the deliveries that are due, claims each (a conditional UPDATE, so replicas and
 * overlapping passes never send one twice), sends it outside any transaction, and records the outcome: `Sent`
 * (announcing notifications.notification-sent through the outbox), or a failed attempt with the next one
 * scheduled, or `Failed` once the retry window is over. A send that fails delays only its own delivery.
 */
export async function deliverDue(
  ctx: HandlerContext,
  options: DeliverOptions,
  deps: NotificationsDeps,
  onAttempt: AttemptListener = () => {},
): Promise<number> {
  const due = await deps.unitOfWork((store) => store.deliveries.due(deps.clock.now(), options.batchSize));
  let next = 0;
  const worker = async () => {
    while (next < due.length) {
      const id = due[next++] as string;
      await deliverOne(ctx, id, options, deps, onAttempt);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, due.length) }, worker));
  return due.length;
}

async function deliverOne(
  ctx: HandlerContext,
  id: string,
  options: DeliverOptions,
  deps: NotificationsDeps,
  onAttempt: AttemptListener,
): Promise<void> {
  const claimedAt = deps.clock.now();
  const delivery = await deps.unitOfWork((store) =>
    store.deliveries.claim(id, claimedAt, new Date(claimedAt.getTime() + options.claimMs)),
  );
  if (!delivery) return; // another sender took it
  let error: string | null = null;
  let failure: SendFailure = {};
  try {
    await send(delivery, deps);
  } catch (thrown) {
    error = describe(thrown);
    failure = (thrown ?? {}) as SendFailure;
  }
  const at = deps.clock.now();
  if (error === null) {
    const recorded = await deps.unitOfWork(async (store) => {
      const settled = await store.deliveries.settle(delivery.id, delivery.attempts, 'Sent', {
        sentAt: at,
        error: null,
      });
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
      return settled;
    });
    onAttempt(delivery, recorded ? 'Sent' : 'Lost');
    return;
  }
  const retryAt = failure.retryable === false ? null : retryTime(delivery, at, failure, deps);
  const settled = await deps.unitOfWork((store) =>
    store.deliveries.settle(delivery.id, delivery.attempts, retryAt ? 'Pending' : 'Failed', {
      error,
      nextAttemptAt: retryAt,
    }),
  );
  ctx.log.warn(
    { deliveryId: delivery.id, channel: delivery.channel, attempts: delivery.attempts, error, retryAt },
    retryAt ? 'notification not sent; will retry' : 'notification not sent; giving up',
  );
  onAttempt(delivery, settled ? (retryAt ? 'Retry' : 'Failed') : 'Lost');
}

/** The next attempt's time: the schedule's, or later when the other side asked to wait longer (within the window). */
function retryTime(delivery: Delivery, at: Date, failure: SendFailure, deps: NotificationsDeps): Date | null {
  const scheduled = nextAttemptAt(delivery.attempts, delivery.createdAt, at, deps.retry);
  if (!scheduled || failure.retryAfterMs === undefined) return scheduled;
  return new Date(Math.max(scheduled.getTime(), at.getTime() + failure.retryAfterMs));
}

/** Hands the delivery to its channel; throws when the channel did not take it. */
async function send(delivery: Delivery, deps: NotificationsDeps): Promise<void> {
  switch (delivery.channel) {
    case 'email': {
      const contact = await deps.unitOfWork((store) => store.contacts.byId(delivery.customerId));
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
      const contact = await deps.unitOfWork((store) => store.contacts.byId(delivery.customerId));
      if (!contact?.phone) throw new Error('the customer has no phone number');
      const words = deps.renderer.render(delivery.type, contact.locale, { ...delivery.facts, name: contact.name });
      await deps.sms.send({ to: contact.phone, body: words.text, idempotencyKey: `${delivery.eventId}:sms` });
      return;
    }
    case 'inApp': {
      // Stored when recorded: the customer's list has it. Pushed live when a pusher is configured.
      if (!deps.inAppPusher || !delivery.notificationId) return;
      const notification = await deps.unitOfWork((store) => store.inApp.byId(delivery.notificationId as string));
      if (!notification) return; // the customer's account was deleted meanwhile
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
export function messageIdOf(delivery: Pick<Delivery, 'eventId' | 'channel'>, domain: string): string {
  const local = `${delivery.eventId}.${delivery.channel}`.replace(/[^A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]/g, '-');
  return `<${local}@${domain}>`;
}

function describe(failure: unknown): string {
  const message = failure instanceof Error ? failure.message : String(failure);
  return message.slice(0, notificationsLimits.errorLength);
}
