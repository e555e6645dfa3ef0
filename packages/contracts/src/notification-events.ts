import Joi from 'joi';
import { eventContract } from './event-contract';
import { instant, uuid } from './schema-parts';
import { topics } from './topics';

/** notifications.notification-sent: a notification went out on a channel (once per event and channel). */
export interface NotificationSent {
  notificationId: string;
  customerId: string;
  type: 'Welcome' | 'OrderConfirmed' | 'OrderFailed' | 'OrderShipped' | 'OrderDelivered' | 'OrderCancelled';
  channel: 'email' | 'sms' | 'inApp';
  /** The event that caused it. */
  eventId: string;
  sentAt: string;
}

export const NotificationSent = eventContract<NotificationSent>(
  topics.notificationSent,
  Joi.object<NotificationSent, true>({
    notificationId: uuid.required(),
    customerId: uuid.required(),
    type: Joi.string()
      .valid('Welcome', 'OrderConfirmed', 'OrderFailed', 'OrderShipped', 'OrderDelivered', 'OrderCancelled')
      .required(),
    channel: Joi.string().valid('email', 'sms', 'inApp').required(),
    eventId: Joi.string().min(1).max(100).required(),
    sentAt: instant.required(),
  }),
);
