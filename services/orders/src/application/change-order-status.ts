import type { HandlerContext } from '@shop/kit';
import type { Order, OrderStatus } from '../domain/order';
import { moveOrder } from './move-order';
import type { OrdersDeps } from './ports';

export type StatusChangeResult =
  | { ok: true; order: Order }
  | { ok: false; reason: 'not-found' }
  | { ok: false; reason: 'conflict'; order: Order };

/**
 * A status change asked for over HTTP (cancel, ship, deliver). `canSee` keeps other customers' orders
 * invisible (404). Asking for the status an order already has answers it as done: retries are harmless.
 */
export async function changeOrderStatus(
  ctx: HandlerContext,
  input: { orderId: string; to: OrderStatus; trackingNumber?: string; canSee: (order: Order) => boolean },
  deps: Pick<OrdersDeps, 'unitOfWork' | 'clock'>,
): Promise<StatusChangeResult> {
  return deps.unitOfWork(async (store): Promise<StatusChangeResult> => {
    const current = await store.orders.byId(input.orderId);
    if (!current || !input.canSee(current)) return { ok: false, reason: 'not-found' };
    if (current.status === input.to) return { ok: true, order: current };
    const result = await moveOrder(
      ctx,
      {
        orderId: input.orderId,
        to: input.to,
        at: deps.clock.now(),
        ...(input.trackingNumber ? { trackingNumber: input.trackingNumber } : {}),
      },
      { store },
    );
    if (result.moved) return { ok: true, order: result.order };
    return { ok: false, reason: 'conflict', order: result.order ?? current };
  });
}
