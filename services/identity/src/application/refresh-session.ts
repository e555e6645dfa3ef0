import type { HandlerContext } from '@shop/kit';
import { hashRefreshToken, refreshTokenState } from '../domain/refresh-token';
import type { IdentityDeps } from './ports';
import { type Session, startSession } from './start-session';

export type RefreshResult =
  | { ok: true; session: Session }
  | { ok: false; reason: 'unknown' | 'revoked' | 'expired' | 'reused' | 'account-gone' };

/**
 * Trades a refresh token for a new pair. The token is used up (rotation); presenting a used token again
 * revokes its whole family, so a stolen token stops working for the thief and the owner alike, and the owner
 * logs in again. The revocation commits even though the answer is a refusal.
 */
export async function refreshSession(
  ctx: HandlerContext,
  { refreshToken }: { refreshToken: string },
  deps: IdentityDeps,
): Promise<RefreshResult> {
  const tokenHash = hashRefreshToken(refreshToken);
  return deps.unitOfWork(async (store): Promise<RefreshResult> => {
    const now = deps.clock.now();
    const token = await store.refreshTokens.byHash(tokenHash);
    if (!token) return { ok: false, reason: 'unknown' };
    const state = refreshTokenState(token, now);
    if (state === 'reused') {
      await store.refreshTokens.revokeFamily(token.familyId, now);
      return { ok: false, reason: 'reused' };
    }
    if (state !== 'usable') return { ok: false, reason: state };
    const customer = await store.customers.byId(token.customerId);
    if (!customer || customer.deletedAt) {
      await store.refreshTokens.revokeFamily(token.familyId, now);
      return { ok: false, reason: 'account-gone' };
    }
    if (!(await store.refreshTokens.markUsed(token.id, now))) {
      // Another request used it a moment ago: the same token twice, which is what reuse means.
      await store.refreshTokens.revokeFamily(token.familyId, now);
      return { ok: false, reason: 'reused' };
    }
    return { ok: true, session: await startSession(ctx, { customer, familyId: token.familyId }, { ...deps, store }) };
  });
}
