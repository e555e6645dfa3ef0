import type { HandlerContext } from '@shop/kit';
import { hashRefreshToken } from '../domain/refresh-token';
import type { IdentityDeps } from './ports';

/** Ends the login a refresh token belongs to (its whole family). Unknown tokens are ignored: logging out twice is fine. */
export async function logOut(
  _ctx: HandlerContext,
  { refreshToken }: { refreshToken: string },
  deps: Pick<IdentityDeps, 'unitOfWork' | 'clock'>,
): Promise<void> {
  const tokenHash = hashRefreshToken(refreshToken);
  await deps.unitOfWork(async (store) => {
    const token = await store.refreshTokens.byHash(tokenHash);
    if (token && !token.revokedAt) await store.refreshTokens.revokeFamily(token.familyId, deps.clock.now());
  });
}
