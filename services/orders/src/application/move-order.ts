import type { HandlerContext } from '@shop/kit';
import { type FailureReason, type Order, type OrderReview, type OrderStatus, sourcesOf } from '../domain/order';
import { statusChanged } from './order-events';
import type { OrdersStore } from './ports';

export type MoveResult = { moved: true; order: Order } | { moved: false; order: Order | null };

/**
 * Moves an order along the state machine and announces it, in the caller's transaction. An order already past
 * the step (a redelivered event, a cancel racing a payment) is left alone and reported as not moved.
 */
export async function moveOrder(
  _ctx: HandlerContext,
  {
    orderId,
    to,
    at,
    from,
    ...details
  }: {
    orderId: string;
    to: OrderStatus;
    at: Date;
    /** Only from these statuses (among those the state machine allows), e.g. a review only from OnHold. */
    from?: OrderStatus[];
    failureReason?: FailureReason;
    trackingNumber?: string;
    review?: OrderReview;
  },
  { store }: { store: OrdersStore },
): Promise<MoveResult> {
  const changes = { updatedAt: at, ...details };
  const allowed = sourcesOf(to).filter((source) => !from || from.includes(source));
  // A paid order's cancellation refunds its total: moved from Paid on its own, the event can say so for sure.
  const refunded =
    to === 'Cancelled' && allowed.includes('Paid') ? await store.orders.move(orderId, ['Paid'], to, changes) : null;
  const order =
    refunded ??
    (await store.orders.move(
      orderId,
      allowed.filter((source) => !(to === 'Cancelled' && source === 'Paid')),
      to,
      changes,
    ));
  if (!order) return { moved: false, order: await store.orders.byId(orderId) };
  const { topic, envelope } = statusChanged(order, refunded ? { refund: refunded.total } : {});
  await store.outbox(topic, envelope);
  return { moved: true, order };
}
