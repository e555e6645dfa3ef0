import Joi from 'joi';
import { eventContract } from './event-contract';
import { instant, uuid } from './schema-parts';
import { topics } from './topics';

export type NotificationType =
  | 'Welcome'
  | 'OrderConfirmed'
  | 'OrderFailed'
  | 'OrderShipped'
  | 'OrderDelivered'
  | 'OrderCancelled';
export type NotificationChannel = 'email' | 'sms' | 'inApp';

export const notificationTypes: readonly NotificationType[] = [
  'Welcome',
  'OrderConfirmed',
  'OrderFailed',
  'OrderShipped',
  'OrderDelivered',
  'OrderCancelled',
];
export const notificationChannels: readonly NotificationChannel[] = ['email', 'sms', 'inApp'];

/** notifications.notification-sent: one notification reached its channel (email accepted by SMTP, SMS, in-app). */
export interface NotificationSent {
  notificationId: string;
  customerId: string;
  type: NotificationType;
  channel: NotificationChannel;
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
      .valid(...notificationTypes)
      .required(),
    channel: Joi.string()
      .valid(...notificationChannels)
      .required(),
    eventId: uuid.required(),
    sentAt: instant.required(),
  }),
);
