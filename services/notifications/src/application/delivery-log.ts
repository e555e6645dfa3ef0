import type { HandlerContext } from '@shop/kit';
import type { Delivery } from '../domain/delivery';
import type { DeliveryQuery, Page, UnitOfWork } from './ports';

/** The delivery log for admins: settled deliveries, newest first, filtered by customer, channel and status. */
export function deliveryLog(
  _ctx: HandlerContext,
  query: DeliveryQuery,
  deps: { unitOfWork: UnitOfWork },
): Promise<Page<Delivery>> {
  return deps.unitOfWork((store) => store.deliveries.list(query));
}
