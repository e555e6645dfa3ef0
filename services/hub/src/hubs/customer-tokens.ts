import { type JwtVerifier, SessionCheckUnavailableError } from '@shop/kit';
import {
  type Authenticate,
  ForbiddenError,
  type HubPrincipal,
  UnauthorizedError,
  UnavailableError,
} from '@shop/signalr';

/**
 * Every request of a customer's hub (orders, notifications: negotiate and each transport request) needs a valid access token. A token
 * whose login cannot be confirmed now is answered 503 with Retry-After, as on every other route.
 */
export function customerTokens(verifier: JwtVerifier): Authenticate {
  return async (token) => {
    if (token === undefined) throw new UnauthorizedError('This hub needs an access token');
    try {
      const caller = await verifier.verify(token);
      return {
        userId: caller.id,
        claims: { roles: caller.roles, sessionId: caller.sessionId, ...(caller.email ? { email: caller.email } : {}) },
      };
    } catch (error) {
      if (error instanceof SessionCheckUnavailableError) {
        throw new UnavailableError(
          'The login this token belongs to cannot be confirmed right now.',
          error.retryAfterSeconds,
        );
      }
      throw new UnauthorizedError(`Invalid token: ${(error as Error).message}`);
    }
  };
}

/** The admins' hubs (analytics): a valid access token that holds the `admin` role; a customer's is refused with 403. */
export function adminTokens(verifier: JwtVerifier): Authenticate {
  const anyCaller = customerTokens(verifier);
  return async (token) => {
    const principal = await anyCaller(token);
    const roles = principal?.claims.roles;
    if (!Array.isArray(roles) || !roles.includes('admin'))
      throw new ForbiddenError('This hub admits admin tokens only');
    return principal;
  };
}

/**
 * Whether the login a connection was opened with has ended since (logout, reused refresh token, deleted account):
 * such connections are closed. When identity cannot be asked the connection stays; it was checked when opened.
 */
export function loginEnded(verifier: JwtVerifier): (principal: HubPrincipal) => Promise<boolean> {
  return async (principal) => {
    const sessionId = principal.claims.sessionId;
    if (typeof sessionId !== 'string' || principal.userId === undefined) return false;
    try {
      return !(await verifier.sessionActive({ id: principal.userId, sessionId }));
    } catch {
      return false;
    }
  };
}
