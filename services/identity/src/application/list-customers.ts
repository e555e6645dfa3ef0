import type { HandlerContext } from '@shop/kit';
import type { CustomerPage, IdentityDeps } from './ports';

export interface ListCustomers {
  limit: number;
  after?: { createdAt: Date; id: string };
  emailContains?: string;
}

export async function listCustomers(
  _ctx: HandlerContext,
  query: ListCustomers,
  deps: Pick<IdentityDeps, 'unitOfWork'>,
): Promise<CustomerPage> {
  return deps.unitOfWork((store) => store.customers.list(query));
}
