import type { HandlerContext } from '@shop/kit';
import { normalizeEmail } from '../domain/email';
import type { IdentityDeps } from './ports';

export interface UpdateProfile {
  customerId: string;
  name?: string;
  email?: string;
  /** Needed to change the email: whoever holds a stolen access token must not take the account over. */
  currentPassword?: string;
}

export type UpdateProfileResult =
  | { ok: true }
  | { ok: false; reason: 'not-found' | 'email-taken' | 'password-required' | 'wrong-password' };

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
  return deps.unitOfWork(async (store): Promise<UpdateProfileResult> => {
    const changed = await store.customers.update(input.customerId, {
      ...(input.name !== undefined ? { name: input.name.trim() } : {}),
      ...(emailChanges ? { email } : {}),
      updatedAt: deps.clock.now(),
    });
    return changed ? { ok: true } : store.rollbackWith({ ok: false, reason: 'email-taken' });
  });
}
