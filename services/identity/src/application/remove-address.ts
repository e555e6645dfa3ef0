import type { HandlerContext } from '@shop/kit';
import type { IdentityDeps } from './ports';

/** Deletes one of the customer's addresses; when it was the default, the oldest remaining one becomes it. */
export async function removeAddress(
  _ctx: HandlerContext,
  { customerId, addressId }: { customerId: string; addressId: string },
  deps: Pick<IdentityDeps, 'unitOfWork' | 'clock'>,
): Promise<{ ok: boolean }> {
  return deps.unitOfWork(async (store) => {
    const existing = await store.addresses.find(customerId, addressId);
    if (!existing || !(await store.addresses.remove(customerId, addressId))) return { ok: false };
    if (existing.isDefault) {
      const [next] = await store.addresses.listFor(customerId);
      if (next) await store.addresses.update(customerId, next.id, { ...next, isDefault: true }, deps.clock.now());
    }
    return { ok: true };
  });
}
