import type { NotificationType } from './notification';

/** A notification kept for the customer's in-app list (GET /api/notifications). */
export interface InAppNotification {
  id: string;
  customerId: string;
  type: NotificationType;
  title: string;
  body: string;
  orderId: string | null;
  createdAt: Date;
  readAt: Date | null;
}

/** What the customer sees (CONTRACT.md). */
export function inAppView(notification: InAppNotification) {
  return {
    id: notification.id,
    type: notification.type,
    title: notification.title,
    body: notification.body,
    ...(notification.orderId ? { orderId: notification.orderId } : {}),
    createdAt: notification.createdAt.toISOString(),
    readAt: notification.readAt ? notification.readAt.toISOString() : null,
  };
}
