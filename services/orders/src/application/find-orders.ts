import type { HandlerContext } from '@shop/kit';
import type { Order, OrderStatus } from '../domain/order';
import type { OrderPage, OrderPosition, OrdersDeps } from './ports';

export async function findOrder(
  _ctx: HandlerContext,
  { orderId }: { orderId: string },
  deps: Pick<OrdersDeps, 'unitOfWork'>,
): Promise<Order | null> {
  return deps.unitOfWork((store) => store.orders.byId(orderId));
}

export async function listOrders(
  _ctx: HandlerContext,
  query: { customerId?: string; status?: OrderStatus; limit: number; after?: OrderPosition },
  deps: Pick<OrdersDeps, 'unitOfWork'>,
): Promise<OrderPage> {
  return deps.unitOfWork((store) => store.orders.list(query));
}
