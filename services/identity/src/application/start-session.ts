import { randomUUID } from 'node:crypto';
import type { HandlerContext } from '@shop/kit';
import type { Customer } from '../domain/customer';
import { hashRefreshToken, newRefreshTokenSecret } from '../domain/refresh-token';
import type { IdentityDeps, IdentityStore } from './ports';

export interface Session {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  refreshExpiresIn: number;
}

/** Issues an access token and a refresh token of `familyId` (a new family for a new login). */
export async function startSession(
  _ctx: HandlerContext,
  { customer, familyId = randomUUID() }: { customer: Pick<Customer, 'id' | 'email' | 'roles'>; familyId?: string },
  {
    store,
    ...deps
  }: Pick<IdentityDeps, 'accessTokens' | 'clock' | 'refreshTokenTtlSeconds'> & { store: IdentityStore },
): Promise<Session> {
  const now = deps.clock.now();
  const secret = newRefreshTokenSecret();
  await store.refreshTokens.insert({
    id: randomUUID(),
    familyId,
    customerId: customer.id,
    tokenHash: hashRefreshToken(secret),
    createdAt: now,
    expiresAt: new Date(now.getTime() + deps.refreshTokenTtlSeconds * 1000),
    usedAt: null,
    revokedAt: null,
  });
  const { accessToken, expiresIn } = await deps.accessTokens.issue(customer, familyId);
  return {
    accessToken,
    refreshToken: secret,
    tokenType: 'Bearer',
    expiresIn,
    refreshExpiresIn: deps.refreshTokenTtlSeconds,
  };
}
