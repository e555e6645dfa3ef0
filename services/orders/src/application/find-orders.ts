import type { Order, OrderStatus } from '../domain/order';
import type { OrderPage, OrderPosition, OrdersDeps } from './ports';

export async function findOrder(orderId: string, deps: Pick<OrdersDeps, 'unitOfWork'>): Promise<Order | null> {
  return deps.unitOfWork((store) => store.orders.byId(orderId));
}

export async function listOrders(
  query: { customerId?: string; status?: OrderStatus; limit: number; after?: OrderPosition },
  deps: Pick<OrdersDeps, 'unitOfWork'>,
): Promise<OrderPage> {
  return deps.unitOfWork((store) => store.orders.list(query));
}
