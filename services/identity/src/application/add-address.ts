import { randomUUID } from 'node:crypto';
import type { HandlerContext } from '@shop/kit';
import { type Address, type AddressFields, maxAddressesPerCustomer } from '../domain/customer';
import type { IdentityDeps } from './ports';

export type AddAddressResult = { ok: true; address: Address } | { ok: false; reason: 'not-found' | 'too-many' };

/** The first address becomes the default; a new default takes the flag from the others. */
export async function addAddress(
  _ctx: HandlerContext,
  { customerId, fields }: { customerId: string; fields: AddressFields },
  deps: Pick<IdentityDeps, 'unitOfWork' | 'clock'>,
): Promise<AddAddressResult> {
  return deps.unitOfWork(async (store): Promise<AddAddressResult> => {
    const customer = await store.customers.byId(customerId);
    if (!customer || customer.deletedAt) return { ok: false, reason: 'not-found' };
    const count = await store.addresses.countFor(customerId);
    if (count >= maxAddressesPerCustomer) return { ok: false, reason: 'too-many' };
    const now = deps.clock.now();
    const address: Address = {
      id: randomUUID(),
      customerId,
      ...fields,
      isDefault: fields.isDefault || count === 0,
      createdAt: now,
      updatedAt: now,
    };
    await store.addresses.insert(address);
    if (address.isDefault) await store.addresses.clearDefaultExcept(customerId, address.id);
    return { ok: true, address };
  });
}
