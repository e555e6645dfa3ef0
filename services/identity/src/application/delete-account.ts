import { CustomerDeleted, newEvent } from '@shop/contracts';
import type { HandlerContext } from '@shop/kit';
import { deletedCustomerName } from '../domain/customer';
import { anonymisedEmail } from '../domain/email';
import type { IdentityDeps } from './ports';

/**
 * Deletes an account by anonymising it: the row stays (orders and payments keep a valid customer id) but holds
 * no personal data: name and email replaced, password and addresses removed, every login ended. Access
 * tokens already issued stop finding the account at once.
 */
export async function deleteAccount(
  _ctx: HandlerContext,
  { customerId }: { customerId: string },
  deps: Pick<IdentityDeps, 'unitOfWork' | 'clock'>,
): Promise<{ ok: boolean }> {
  return deps.unitOfWork(async (store) => {
    const customer = await store.customers.byId(customerId);
    if (!customer || customer.deletedAt) return { ok: false };
    const now = deps.clock.now();
    await store.customers.update(customerId, {
      email: anonymisedEmail(customerId),
      name: deletedCustomerName,
      phone: null,
      passwordHash: null,
      deletedAt: now,
      updatedAt: now,
    });
    await store.addresses.removeAllFor(customerId);
    await store.refreshTokens.revokeAllFor(customerId, now);
    const data: CustomerDeleted = { customerId, deletedAt: now.toISOString() };
    const { topic, envelope } = newEvent(CustomerDeleted, data, now);
    await store.outbox(topic, envelope);
    return { ok: true };
  });
}
