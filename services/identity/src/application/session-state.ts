import type { HandlerContext, SessionState } from '@shop/kit';
import type { IdentityDeps } from './ports';

/**
 * Whether a login (the refresh-token family an access token's `sid` names) still grants access: some token of
 * the family is unrevoked and its account exists. A logout, a reused refresh token and a deleted account all
 * revoke the family, so every service stops taking its access tokens within its session-check freshness.
 */
export async function sessionState(
  _ctx: HandlerContext,
  { sessionId }: { sessionId: string },
  deps: Pick<IdentityDeps, 'reads'>,
): Promise<SessionState> {
  return deps.reads(async (store) => {
    const customerId = await store.refreshTokens.liveFamilyOwner(sessionId);
    if (!customerId) return { active: false };
    const customer = await store.customers.byId(customerId);
    if (!customer || customer.deletedAt) return { active: false };
    return { active: true, customerId };
  });
}
