import { randomUUID } from 'node:crypto';
import type { HandlerContext } from '@shop/kit';
import type { Customer } from '../domain/customer';
import { normalizeEmail } from '../domain/email';
import { defaultLocale } from '../domain/locale';
import { rolesFromColumn, rolesToColumn } from '../domain/roles';
import type { IdentityDeps } from './ports';

export type EnsureAdminResult = 'created' | 'updated' | 'unchanged';

/**
 * Makes sure the configured admin account exists, holds the admin role and logs in with the configured
 * password (so rotating the Secret rotates the password). Several replicas may run this at once: the unique
 * email decides who creates it, and the others find it.
 */
export async function ensureAdmin(
  _ctx: HandlerContext,
  input: { email: string; password: string; name?: string },
  deps: Pick<IdentityDeps, 'unitOfWork' | 'passwords' | 'clock'>,
): Promise<EnsureAdminResult> {
  const email = normalizeEmail(input.email);
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = await deps.unitOfWork((store) => store.customers.byEmail(email));
    if (existing) {
      const roles = rolesFromColumn(rolesToColumn([...existing.roles, 'admin']));
      const passwordOk = existing.passwordHash
        ? (await deps.passwords.verify(input.password, existing.passwordHash)).ok
        : false;
      if (passwordOk && roles.length === existing.roles.length) return 'unchanged';
      const passwordHash = passwordOk ? existing.passwordHash : await deps.passwords.hash(input.password);
      await deps.unitOfWork((store) =>
        store.customers.update(existing.id, { roles, passwordHash, updatedAt: deps.clock.now() }),
      );
      return 'updated';
    }
    const now = deps.clock.now();
    const admin: Customer = {
      id: randomUUID(),
      email,
      name: input.name ?? 'Administrator',
      roles: ['admin'],
      locale: defaultLocale,
      phone: null,
      passwordHash: await deps.passwords.hash(input.password),
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
    };
    if (await deps.unitOfWork((store) => store.customers.insert(admin))) return 'created';
  }
  throw new Error('could not ensure the admin account: its email kept changing hands');
}
