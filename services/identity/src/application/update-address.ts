import type { HandlerContext } from '@shop/kit';
import type { Address, AddressFields } from '../domain/customer';
import type { IdentityDeps } from './ports';

export type UpdateAddressResult = { ok: true; address: Address } | { ok: false; reason: 'not-found' };

/** Replaces the address's fields; only the owner's own addresses are found. */
export async function updateAddress(
  _ctx: HandlerContext,
  { customerId, addressId, fields }: { customerId: string; addressId: string; fields: AddressFields },
  deps: Pick<IdentityDeps, 'unitOfWork' | 'clock'>,
): Promise<UpdateAddressResult> {
  return deps.unitOfWork(async (store): Promise<UpdateAddressResult> => {
    const existing = await store.addresses.find(customerId, addressId);
    if (!existing) return { ok: false, reason: 'not-found' };
    const now = deps.clock.now();
    // Unsetting the only default would leave none: the flag stays until another address takes it.
    const isDefault = fields.isDefault || existing.isDefault;
    await store.addresses.update(customerId, addressId, { ...fields, isDefault }, now);
    if (isDefault) await store.addresses.clearDefaultExcept(customerId, addressId);
    return { ok: true, address: { ...existing, ...fields, isDefault, updatedAt: now } };
  });
}
