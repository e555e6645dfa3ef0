import { CustomerUpdated, newEvent } from '@shop/contracts';
import type { HandlerContext } from '@shop/kit';
import type { Customer } from '../domain/customer';
import { normalizeEmail } from '../domain/email';
import type { IdentityDeps, IdentityStore } from './ports';

export interface UpdateProfile {
  customerId: string;
  name?: string;
  email?: string;
  /** Needed to change the email: whoever holds a stolen access token must not take the account over. */
  currentPassword?: string;
  /** Canonical BCP 47 (domain/locale). */
  locale?: string;
  /** E.164 (domain/phone); null removes the number. */
  phone?: string | null;
}

export type UpdateProfileResult =
  | { ok: true }
  | { ok: false; reason: 'not-found' | 'email-taken' | 'password-required' | 'wrong-password' };

type ProfileFields = Pick<Customer, 'name' | 'email' | 'locale' | 'phone'>;

export async function updateProfile(
  _ctx: HandlerContext,
  input: UpdateProfile,
  deps: Pick<IdentityDeps, 'unitOfWork' | 'passwords' | 'clock'>,
): Promise<UpdateProfileResult> {
  const current = await deps.unitOfWork((store) => store.customers.byId(input.customerId));
  if (!current || current.deletedAt || !current.passwordHash) return { ok: false, reason: 'not-found' };
  const email = input.email === undefined ? undefined : normalizeEmail(input.email);
  const emailChanges = email !== undefined && email !== current.email;
  if (emailChanges) {
    if (input.currentPassword === undefined) return { ok: false, reason: 'password-required' };
    const verdict = await deps.passwords.verify(input.currentPassword, current.passwordHash);
    if (!verdict.ok) return { ok: false, reason: 'wrong-password' };
  }
  const wanted: Partial<ProfileFields> = {
    ...(input.name !== undefined ? { name: input.name.trim() } : {}),
    ...(email !== undefined ? { email } : {}),
    ...(input.locale !== undefined ? { locale: input.locale } : {}),
    ...(input.phone !== undefined ? { phone: input.phone } : {}),
  };
  return deps.unitOfWork(async (store): Promise<UpdateProfileResult> => {
    // Read again inside the transaction: the event must carry the profile as this change leaves it.
    const before = await store.customers.byId(input.customerId);
    if (!before || before.deletedAt) return { ok: false, reason: 'not-found' };
    const changes = changedFields(before, wanted);
    if (Object.keys(changes).length === 0) return { ok: true };
    const now = deps.clock.now();
    if (!(await store.customers.update(input.customerId, { ...changes, updatedAt: now }))) {
      return store.rollbackWith({ ok: false, reason: 'email-taken' });
    }
    await announceProfile(store, { ...before, ...changes, updatedAt: now });
    return { ok: true };
  });
}

/** Only the fields whose value differs: an unchanged profile is neither written nor announced. */
function changedFields(before: ProfileFields, wanted: Partial<ProfileFields>): Partial<ProfileFields> {
  return Object.fromEntries(
    Object.entries(wanted).filter(([field, value]) => before[field as keyof ProfileFields] !== value),
  ) as Partial<ProfileFields>;
}

/** `customers.customer-updated` with the whole profile as it is now, so a consumer's copy is complete after any one. */
async function announceProfile(store: IdentityStore, customer: Customer): Promise<void> {
  const data: CustomerUpdated = {
    customerId: customer.id,
    email: customer.email,
    name: customer.name,
    locale: customer.locale,
    phone: customer.phone,
    updatedAt: customer.updatedAt.toISOString(),
  };
  const { topic, envelope } = newEvent(CustomerUpdated, data, customer.updatedAt);
  await store.outbox(topic, envelope);
}
