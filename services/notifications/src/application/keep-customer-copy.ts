import type { HandlerContext } from '@shop/kit';
import type { CustomerContact } from '../domain/customer-contact';
import type { NotificationsStore } from './ports';

/**
 * Keeps the service's copy of a customer's contact details current from identity's events (registered,
 * updated), so sending needs no call to identity. A copy older than the stored one is ignored: events of one
 * customer may arrive out of order.
 */
export async function keepCustomerCopy(
  _ctx: HandlerContext,
  contact: CustomerContact,
  { store }: { store: NotificationsStore },
): Promise<void> {
  await store.contacts.save(contact);
}

/** A deleted account leaves nothing personal here: its contact copy, preferences and in-app notifications go. */
export async function forgetCustomer(
  _ctx: HandlerContext,
  input: { customerId: string },
  { store }: { store: NotificationsStore },
): Promise<void> {
  await store.contacts.delete(input.customerId);
  await store.preferences.delete(input.customerId);
  await store.inApp.deleteFor(input.customerId);
}
