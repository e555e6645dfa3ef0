import type { Money, NotificationChannel, NotificationType } from '@shop/contracts';

// The channels and types are the published language's (notifications.notification-sent carries them).
export { notificationChannels as channels, notificationTypes } from '@shop/contracts';
export type Channel = NotificationChannel;
export type { NotificationType };

/** Why an order failed, as the orders service names it (rendered in words by the templates). */
export type OrderFailureReason = 'OutOfStock' | 'PaymentDeclined' | 'ReservationExpired' | 'FraudSuspected';

/** Money as the contract has it: integer minor units of `currency`. */
export type Amount = Money;

/**
 * What a notification says, taken from its event when it is recorded, so sending later needs nothing else.
 * Never a card number: at most its last four digits.
 */
export interface NotificationFacts {
  orderId?: string;
  total?: Amount;
  cardLast4?: string;
  trackingNumber?: string;
  failureReason?: OrderFailureReason;
  /** What goes back to the card of a cancelled order. */
  refund?: Amount;
}

/** What templates read: the customer's name and the notification's facts. */
export interface NotificationModel extends NotificationFacts {
  name: string;
}
