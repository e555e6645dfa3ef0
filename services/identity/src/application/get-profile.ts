import type { HandlerContext } from '@shop/kit';
import type { Address, Customer } from '../domain/customer';
import type { IdentityDeps } from './ports';

export type Profile = { customer: Customer; addresses: Address[] };

/** A live account with its addresses; null for an unknown or deleted one (a token may outlive its account). */
export async function getProfile(
  _ctx: HandlerContext,
  { customerId }: { customerId: string },
  deps: Pick<IdentityDeps, 'unitOfWork'>,
): Promise<Profile | null> {
  return deps.unitOfWork(async (store) => {
    const customer = await store.customers.byId(customerId);
    if (!customer || customer.deletedAt) return null;
    return { customer, addresses: await store.addresses.listFor(customerId) };
  });
}
