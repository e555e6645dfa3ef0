import type { HandlerContext } from '@shop/kit';
import type { InAppNotification } from '../domain/in-app-notification';
import type { Clock, Page, Position, UnitOfWork } from './ports';

/** The customer's own in-app notifications, newest first. */
export function listInAppNotifications(
  _ctx: HandlerContext,
  input: { customerId: string; limit: number; after?: Position },
  deps: { unitOfWork: UnitOfWork },
): Promise<Page<InAppNotification>> {
  return deps.unitOfWork((store) => store.inApp.listFor(input.customerId, input.limit, input.after));
}

/**
 * Marks the customer's notification read (the first time counts: marking again keeps `readAt`); null when there
 * is no such notification of theirs, which to them is the same as none at all.
 */
export function markNotificationRead(
  _ctx: HandlerContext,
  input: { customerId: string; notificationId: string },
  deps: { unitOfWork: UnitOfWork; clock: Clock },
): Promise<InAppNotification | null> {
  return deps.unitOfWork((store) => store.inApp.markRead(input.notificationId, input.customerId, deps.clock.now()));
}
