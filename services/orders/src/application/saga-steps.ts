import type { HandlerContext } from '@shop/kit';
import type { FailureReason, OrderStatus } from '../domain/order';
import { moveOrder } from './move-order';
import type { OrdersDeps, OrdersStore } from './ports';

/** What an event from inventory or payments means for the order. */
export interface SagaStep {
  to: OrderStatus;
  failureReason?: FailureReason;
}

/**
 * Applies one step of the saga to one order, only from a status that allows it (state machine): an event for an
 * order that moved on (a payment landing after a cancel) changes nothing here. The kit's inbox runs it once per
 * event, in the transaction `store` works in. Payments and inventory react to the resulting status events, so a
 * late payment is refunded by payments itself when it sees the order cancelled or failed.
 */
export async function applySagaStep(
  ctx: HandlerContext,
  { orderId, step }: { orderId: string; step: SagaStep },
  deps: Pick<OrdersDeps, 'clock'> & { store: OrdersStore },
): Promise<void> {
  await moveOrder(
    ctx,
    {
      orderId,
      to: step.to,
      at: deps.clock.now(),
      ...(step.failureReason ? { failureReason: step.failureReason } : {}),
    },
    deps,
  );
}
