import type { FailureReason, OrderStatus } from '../domain/order';
import { moveOrder } from './move-order';
import type { OrdersDeps } from './ports';

/** What an event from inventory or payments means for the order. */
export interface SagaStep {
  consumer: string;
  to: OrderStatus;
  failureReason?: FailureReason;
}

/**
 * Applies one step of the saga for one event, once (inbox) and only from a status that allows it (state
 * machine): a duplicate, or an event for an order that moved on (a payment landing after a cancel), changes
 * nothing here. Payments and inventory react to the resulting status events, so a late payment is refunded by
 * payments itself when it sees the order cancelled or failed.
 */
export async function applySagaStep(
  step: SagaStep,
  event: { id: string; orderId: string },
  deps: Pick<OrdersDeps, 'unitOfWork' | 'clock'>,
): Promise<'applied' | 'duplicate'> {
  return deps.unitOfWork.once(step.consumer, event.id, async (store) => {
    await moveOrder(
      store,
      event.orderId,
      step.to,
      deps.clock.now(),
      step.failureReason ? { failureReason: step.failureReason } : {},
    );
  });
}
