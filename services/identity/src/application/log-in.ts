import { createHash } from 'node:crypto';
import type { HandlerContext } from '@shop/kit';
import { normalizeEmail } from '../domain/email';
import type { IdentityDeps } from './ports';
import { type Session, startSession } from './start-session';

export interface LogIn {
  email: string;
  password: string;
  /** The client's address, for per-address throttling. */
  clientAddress: string;
}

export type LogInResult =
  | { ok: true; session: Session }
  | { ok: false; reason: 'invalid-credentials' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

export async function logIn(ctx: HandlerContext, input: LogIn, deps: IdentityDeps): Promise<LogInResult> {
  const email = normalizeEmail(input.email);
  // Throttle keys never hold the email itself: they live in a shared store outside this database.
  const accountKey = createHash('sha256').update(email).digest('hex');
  const waitSeconds = await deps.loginAttempts.begin(accountKey, input.clientAddress);
  if (waitSeconds > 0) return { ok: false, reason: 'throttled', retryAfterSeconds: waitSeconds };

  const customer = await deps.unitOfWork((store) => store.customers.byEmail(email));
  if (!customer?.passwordHash) {
    await deps.passwords.burnVerification(input.password);
    return { ok: false, reason: 'invalid-credentials' };
  }
  const verdict = await deps.passwords.verify(input.password, customer.passwordHash);
  if (!verdict.ok) return { ok: false, reason: 'invalid-credentials' };
  await deps.loginAttempts.succeeded(accountKey, input.clientAddress);

  const newHash = verdict.rehash ? await deps.passwords.hash(input.password) : undefined;
  const session = await deps.unitOfWork(async (store) => {
    if (newHash) await store.customers.update(customer.id, { passwordHash: newHash, updatedAt: deps.clock.now() });
    return startSession(ctx, { customer }, { ...deps, store });
  });
  return { ok: true, session };
}
