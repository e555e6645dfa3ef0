/** The channels a notification goes out on (CONTRACT.md, Notifications). */
export const channels = ['email', 'sms', 'inApp'] as const;
export type Channel = (typeof channels)[number];

/** What a notification is about; one type per triggering event. */
export const notificationTypes = [
  'Welcome',
  'OrderConfirmed',
  'OrderFailed',
  'OrderShipped',
  'OrderDelivered',
  'OrderCancelled',
] as const;
export type NotificationType = (typeof notificationTypes)[number];

/** Why an order failed, as the orders service names it (rendered in words by the templates). */
export type OrderFailureReason = 'OutOfStock' | 'PaymentDeclined' | 'ReservationExpired' | 'FraudSuspected';

export interface Amount {
  /** Minor units of `currency`. */
  amount: number;
  currency: string;
}

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
