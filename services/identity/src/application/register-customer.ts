import { randomUUID } from 'node:crypto';
import { CustomerRegistered, newEvent } from '@shop/contracts';
import type { HandlerContext } from '@shop/kit';
import type { Customer } from '../domain/customer';
import { normalizeEmail } from '../domain/email';
import { defaultLocale } from '../domain/locale';
import { passwordProblems } from '../domain/password-policy';
import { customerRoles } from '../domain/roles';
import type { IdentityDeps } from './ports';

export interface RegisterCustomer {
  email: string;
  password: string;
  name: string;
  /** Canonical BCP 47 (domain/locale); the default when absent. */
  locale?: string;
}

export type RegisterResult =
  | { ok: true; customer: Customer }
  | { ok: false; reason: 'weak-password'; problems: string[] }
  | { ok: false; reason: 'email-taken' };

export async function registerCustomer(
  _ctx: HandlerContext,
  input: RegisterCustomer,
  deps: Pick<IdentityDeps, 'unitOfWork' | 'passwords' | 'clock'>,
): Promise<RegisterResult> {
  const email = normalizeEmail(input.email);
  const name = input.name.trim();
  const problems = passwordProblems(input.password, { email, name });
  if (problems.length > 0) return { ok: false, reason: 'weak-password', problems };
  // Hashing costs tens of milliseconds of CPU: done before the transaction, which it would otherwise hold open.
  const passwordHash = await deps.passwords.hash(input.password);
  const now = deps.clock.now();
  const customer: Customer = {
    id: randomUUID(),
    email,
    name,
    roles: [...customerRoles],
    locale: input.locale ?? defaultLocale,
    phone: null,
    passwordHash,
    createdAt: now,
    updatedAt: now,
    deletedAt: null,
  };
  return deps.unitOfWork(async (store) => {
    if (!(await store.customers.insert(customer))) return store.rollbackWith({ ok: false, reason: 'email-taken' });
    const data: CustomerRegistered = {
      customerId: customer.id,
      email,
      name,
      locale: customer.locale,
      registeredAt: now.toISOString(),
    };
    const { topic, envelope } = newEvent(CustomerRegistered, data, now);
    await store.outbox(topic, envelope);
    return { ok: true, customer };
  });
}
