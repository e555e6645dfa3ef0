import { createHash, randomBytes } from 'node:crypto';

/**
 * A refresh token as stored: only its SHA-256 hash is kept. Tokens of one login form a family; each use
 * rotates the token (the old one is marked used and a new one joins the family), so a used token presented
 * again means it was copied, and the whole family is revoked (RFC 9700, section 4.14.2).
 */
export interface RefreshToken {
  id: string;
  familyId: string;
  customerId: string;
  tokenHash: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  revokedAt: Date | null;
}

export type RefreshTokenState = 'usable' | 'revoked' | 'reused' | 'expired';

export function refreshTokenState(token: RefreshToken, now: Date): RefreshTokenState {
  if (token.revokedAt) return 'revoked';
  if (token.usedAt) return 'reused';
  if (token.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'usable';
}

/** 256 random bits, URL-safe: guessing one is hopeless, so a fast hash is enough to store it. */
export function newRefreshTokenSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function hashRefreshToken(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
