import { type EventEnvelope, topics } from '@shop/contracts';
import type { Logger, Subscription } from '@shop/kit';
import type { OrdersDeps } from '../application/ports';
import { applySagaStep, type SagaStep } from '../application/saga-steps';

/** Which events move an order, and where to; `when` filters events of a topic that do not concern the saga. */
const steps: Array<{ topic: string; step: SagaStep; when?: (data: Record<string, unknown>) => boolean }> = [
  {
    topic: topics.stockReservationFailed,
    step: { consumer: 'orders.on-stock-reservation-failed', to: 'Failed', failureReason: 'OutOfStock' },
  },
  { topic: topics.paymentSucceeded, step: { consumer: 'orders.on-payment-succeeded', to: 'Paid' } },
  {
    topic: topics.paymentFailed,
    step: { consumer: 'orders.on-payment-failed', to: 'Failed', failureReason: 'PaymentDeclined' },
  },
  {
    // A reservation that ran out before the payment came through: the order cannot be fulfilled as placed.
    topic: topics.stockReleased,
    step: { consumer: 'orders.on-stock-expired', to: 'Failed', failureReason: 'ReservationExpired' },
    when: (data) => data.reason === 'expired',
  },
];

/** The saga's inbound side: each event applied once, each move allowed only by the state machine. */
export function sagaSubscriptions(deps: OrdersDeps, log: Logger): Subscription[] {
  return steps.map(({ topic, step, when }) => ({
    topic,
    async handle(event: EventEnvelope) {
      const data = (event.data ?? {}) as Record<string, unknown>;
      if (typeof event.id !== 'string' || typeof data.orderId !== 'string') {
        log.warn({ topic, eventId: event.id }, 'event without an order id: dropped to the dead letter topic');
        return 'drop';
      }
      if (when && !when(data)) return 'success';
      await applySagaStep(step, { id: event.id, orderId: data.orderId }, deps);
      return 'success';
    },
  }));
}
