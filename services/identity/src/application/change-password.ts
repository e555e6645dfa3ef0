import type { HandlerContext } from '@shop/kit';
import { passwordProblems } from '../domain/password-policy';
import type { IdentityDeps } from './ports';

export interface ChangePassword {
  customerId: string;
  currentPassword: string;
  newPassword: string;
}

export type ChangePasswordResult =
  | { ok: true }
  | { ok: false; reason: 'not-found' | 'wrong-password' }
  | { ok: false; reason: 'weak-password'; problems: string[] };

/** Changes the password and ends every login of the account (all refresh token families). */
export async function changePassword(
  _ctx: HandlerContext,
  input: ChangePassword,
  deps: Pick<IdentityDeps, 'unitOfWork' | 'passwords' | 'clock'>,
): Promise<ChangePasswordResult> {
  const customer = await deps.unitOfWork((store) => store.customers.byId(input.customerId));
  if (!customer || customer.deletedAt || !customer.passwordHash) return { ok: false, reason: 'not-found' };
  if (!(await deps.passwords.verify(input.currentPassword, customer.passwordHash)).ok) {
    return { ok: false, reason: 'wrong-password' };
  }
  const problems = passwordProblems(input.newPassword, customer);
  if (problems.length > 0) return { ok: false, reason: 'weak-password', problems };
  const passwordHash = await deps.passwords.hash(input.newPassword);
  await deps.unitOfWork(async (store) => {
    const now = deps.clock.now();
    await store.customers.update(customer.id, { passwordHash, updatedAt: now });
    await store.refreshTokens.revokeAllFor(customer.id, now);
  });
  return { ok: true };
}
