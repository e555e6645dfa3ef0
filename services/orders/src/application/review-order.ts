import type { HandlerContext } from '@shop/kit';
import type { Order, ReviewDecision } from '../domain/order';
import { moveOrder } from './move-order';
import type { OrdersDeps } from './ports';

export type ReviewResult =
  | { ok: true; order: Order }
  | { ok: false; reason: 'not-found' }
  | { ok: false; reason: 'not-held'; order: Order };

/**
 * An admin's review of a held order. Approve: Pending again (orders.order-approved), and payments captures the
 * authorization it kept. Reject: Failed with FraudSuspected (orders.order-failed), so inventory releases the stock
 * and payments voids the authorization. Only an order OnHold can be reviewed: a second review, or one racing the
 * order's own failure or cancellation, finds it moved on and changes nothing. The review is kept on the order.
 */
export async function reviewOrder(
  ctx: HandlerContext,
  input: { orderId: string; decision: ReviewDecision; note?: string; reviewerId: string },
  deps: Pick<OrdersDeps, 'unitOfWork' | 'clock'>,
): Promise<ReviewResult> {
  return deps.unitOfWork(async (store): Promise<ReviewResult> => {
    const current = await store.orders.byId(input.orderId);
    if (!current) return { ok: false, reason: 'not-found' };
    if (current.status !== 'OnHold') return { ok: false, reason: 'not-held', order: current };
    const at = deps.clock.now();
    const review = { decision: input.decision, note: input.note ?? null, reviewerId: input.reviewerId, at };
    const result = await moveOrder(
      ctx,
      input.decision === 'approve'
        ? { orderId: input.orderId, to: 'Pending', from: ['OnHold'], at, review }
        : { orderId: input.orderId, to: 'Failed', from: ['OnHold'], at, review, failureReason: 'FraudSuspected' },
      { store },
    );
    if (result.moved) return { ok: true, order: result.order };
    return { ok: false, reason: 'not-held', order: result.order ?? current };
  });
}
