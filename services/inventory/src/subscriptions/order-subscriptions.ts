import { topics } from '@shop/contracts';
import type { Logger, Subscription } from '@shop/kit';
import Joi from 'joi';
import type { DataSource } from 'typeorm';
import { commitReservation } from '../application/commit-reservation';
import type { InventoryDeps } from '../application/inventory-deps';
import { releaseReservation } from '../application/release-reservation';
import { reserveStock } from '../application/reserve-stock';
import type { ReleaseReason, ReservationLine } from '../domain/reservation';
import { maxOnHand } from '../domain/stock-levels';
import { orderId } from '../ids';
import { consumeOnce } from './consume-once';

const orderPlaced = Joi.object<{ orderId: string; items: ReservationLine[] }>({
  orderId: orderId.required(),
  items: Joi.array()
    .items(
      Joi.object({
        // Not insisting on a UUID: a line for a product the inventory does not know is refused as unknown.
        productId: Joi.string().lowercase().required(),
        quantity: Joi.number().integer().min(1).max(maxOnHand).required(),
      }),
    )
    .min(1)
    .required(),
});

const orderChanged = Joi.object<{ orderId: string }>({ orderId: orderId.required() });

/**
 * The order saga's inventory steps: placed → reserve (answered by stock-reserved or
 * stock-reservation-failed), paid → commit, failed or cancelled → release. Each is idempotent twice over:
 * on the event id (the inbox) and on the order (the reservation's status).
 */
export function orderSubscriptions(
  db: DataSource,
  deps: InventoryDeps,
  log: Logger,
  options: { reservationTtlSeconds: number },
): Subscription[] {
  const release = (topic: string, consumer: string, reason: ReleaseReason): Subscription => ({
    topic,
    handle: (event) =>
      consumeOnce(event, {
        db,
        log,
        consumer,
        schema: orderChanged,
        effect: (tx, data) => releaseReservation(tx, { orderId: data.orderId, reason }, deps),
      }),
  });

  return [
    {
      topic: topics.orderPlaced,
      handle: (event) =>
        consumeOnce(event, {
          db,
          log,
          consumer: 'inventory.reserve-stock',
          schema: orderPlaced,
          effect: (tx, data) =>
            reserveStock(
              tx,
              {
                orderId: data.orderId,
                lines: data.items.map((item) => ({ productId: item.productId, quantity: item.quantity })),
                ttlSeconds: options.reservationTtlSeconds,
              },
              deps,
            ),
        }),
    },
    {
      topic: topics.orderPaid,
      handle: (event) =>
        consumeOnce(event, {
          db,
          log,
          consumer: 'inventory.commit-reservation',
          schema: orderChanged,
          effect: async (tx, data) => {
            const result = await commitReservation(tx, { orderId: data.orderId }, deps);
            // Nothing to retry: the order was paid for stock this inventory no longer holds for it.
            if (!result.ok) log.error({ orderId: data.orderId, result }, 'a paid order could not commit its stock');
            return result;
          },
        }),
    },
    release(topics.orderFailed, 'inventory.release-failed-order', 'order-failed'),
    release(topics.orderCancelled, 'inventory.release-cancelled-order', 'order-cancelled'),
  ];
}
