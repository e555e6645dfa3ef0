import type { Channel, NotificationFacts, NotificationType } from './notification';

/**
 * A delivery's life, one row per event and channel. `Pending` waits for its next attempt (`nextAttemptAt`);
 * `Sending` is claimed by a sender until `claimedUntil` (a sender that crashed leaves it to be claimed again
 * once that passes, which is the one resend a crash can cause); `Sent`, `Failed` and `Skipped` are final and
 * the only statuses the delivery log shows (CONTRACT.md).
 */
export type DeliveryStatus = 'Pending' | 'Sending' | 'Sent' | 'Failed' | 'Skipped';

/** The statuses of the delivery log (CONTRACT.md): a delivery is listed once it settled. */
export const settledStatuses = ['Sent', 'Failed', 'Skipped'] as const;
export type SettledStatus = (typeof settledStatuses)[number];

/**
 * Which status may follow which, as data: every change is a conditional UPDATE on the current status, so two
 * senders cannot both record an attempt, and a settled delivery never moves again.
 */
export const deliveryTransitions: Record<DeliveryStatus, readonly DeliveryStatus[]> = {
  Pending: ['Sending'],
  // Back to Pending: the attempt failed and another is scheduled; Sending again: the claim lapsed (a crash).
  Sending: ['Sent', 'Pending', 'Failed', 'Sending'],
  Sent: [],
  Failed: [],
  Skipped: [],
};

export function canMoveDelivery(from: DeliveryStatus, to: DeliveryStatus): boolean {
  return deliveryTransitions[from].includes(to);
}

/** The statuses a delivery may be in for a move to `to`. */
export function deliverySourcesOf(to: DeliveryStatus): DeliveryStatus[] {
  return (Object.keys(deliveryTransitions) as DeliveryStatus[]).filter((from) => canMoveDelivery(from, to));
}

export interface Delivery {
  id: string;
  /** The event that caused it; with `channel`, unique: a redelivered event records nothing more. */
  eventId: string;
  channel: Channel;
  customerId: string;
  type: NotificationType;
  facts: NotificationFacts;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date | null;
  claimedUntil: Date | null;
  /** The claiming sender's token: only it records the attempt's outcome. */
  claimToken: string | null;
  error: string | null;
  createdAt: Date;
  sentAt: Date | null;
  /** The in-app notification this delivery pushes (inApp only). */
  notificationId: string | null;
}

/** What the delivery log shows of a delivery (CONTRACT.md, GET /api/admin/notifications). */
export function deliveryView(delivery: Delivery) {
  return {
    id: delivery.id,
    customerId: delivery.customerId,
    type: delivery.type,
    channel: delivery.channel,
    status: delivery.status,
    attempts: delivery.attempts,
    createdAt: delivery.createdAt.toISOString(),
    ...(delivery.sentAt ? { sentAt: delivery.sentAt.toISOString() } : {}),
    ...(delivery.error ? { error: delivery.error } : {}),
  };
}
