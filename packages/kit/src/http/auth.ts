import jwt from 'jsonwebtoken';
import type { Middleware } from 'koa';
import { JwksKeySet } from './jwks-key-set';
import { problem } from './problem';
import { type SessionCheck, SessionCheckUnavailableError } from './session-check';

export type Role = 'customer' | 'admin';

/** Who is calling, from a verified access token. */
export interface Caller {
  id: string;
  email?: string;
  roles: string[];
  /** The login the token belongs to (`sid`): its refresh-token family at the identity service. */
  sessionId: string;
}

declare module 'koa' {
  interface DefaultState {
    caller?: Caller;
  }
}

/**
 * The longest life (`exp - iat`) an access token may have. Revocation reaches a token through its `sid` within
 * SESSION_CHECK_SECONDS; this caps what a token is worth where that cannot reach (a stolen token replayed while
 * identity's answers are stale) and refuses tokens minted to live for years. Identity issues within it.
 */
export const maxAccessTokenLifetimeSeconds = 900;
/** Clocks of the issuer and of this process may differ by this much. */
export const clockSkewSeconds = 30;

export interface JwtVerifierOptions {
  /** The identity service's JWKS, e.g. http://identity/api/auth/jwks; a function is read at the first verification. */
  jwksUri: string | (() => string);
  issuer: string;
  audience: string;
  /** Whether the login a token names (`sid`) is still live; checked after the signature. */
  sessions: SessionCheck;
  /** See JwksKeySet. */
  jwksRefreshIntervalMs?: number;
  unknownKidRefetchIntervalMs?: number;
  now?: () => number;
}

export interface JwtVerifier {
  /**
   * The caller a token names; InvalidTokenError saying why a token is not acceptable, or
   * SessionCheckUnavailableError when its login cannot be confirmed now.
   */
  verify(token: string): Promise<Caller>;
  /**
   * Whether a verified caller's login is still live (with the same caching as verify), for connections that
   * outlive the request that opened them. Throws SessionCheckUnavailableError as verify does.
   */
  sessionActive(caller: Pick<Caller, 'id' | 'sessionId'>): Promise<boolean>;
  /** How long a session answer is used (SESSION_CHECK_SECONDS): the revocation bound. */
  readonly sessionCheckSeconds: number;
  /** Stops the scheduled JWKS refresh. */
  close(): void;
}

export class InvalidTokenError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidTokenError';
  }
}

// A session id goes into a path at the identity service; identity issues UUIDs.
const sessionIdPattern = /^[A-Za-z0-9-]{1,64}$/;

/**
 * Verifies RS256 access tokens against the identity service's JWKS. Only RS256 is accepted, the key
 * is chosen by `kid` alone (a token without one, or with one the JWKS does not hold, is refused), and
 * issuer, audience, `exp`, `iat` (not in the future) and the lifetime cap are enforced: the usual JWT attacks
 * (alg none, HS256 signed with the public key, swapped kid) all fail here. Last, the token's login (`sid`) must
 * still be live at the identity service: a logout, a reused refresh token or a deleted account ends its tokens
 * within the session check's freshness.
 */
export function createJwtVerifier(options: JwtVerifierOptions): JwtVerifier {
  const now = options.now ?? Date.now;
  const keys = new JwksKeySet({
    uri: options.jwksUri,
    ...(options.jwksRefreshIntervalMs === undefined ? {} : { refreshIntervalMs: options.jwksRefreshIntervalMs }),
    ...(options.unknownKidRefetchIntervalMs === undefined
      ? {}
      : { unknownKidRefetchIntervalMs: options.unknownKidRefetchIntervalMs }),
    now,
  });

  const sessionActive = async (caller: Pick<Caller, 'id' | 'sessionId'>) => {
    const state = await options.sessions.state(caller.sessionId);
    return state.active && state.customerId === caller.id;
  };

  return {
    sessionActive,
    sessionCheckSeconds: options.sessions.freshSeconds,
    close: () => keys.close(),
    async verify(token) {
      const decoded = jwt.decode(token, { complete: true });
      if (!decoded || typeof decoded.payload === 'string') throw new InvalidTokenError('malformed token');
      if (decoded.header.alg !== 'RS256') throw new InvalidTokenError('algorithm not allowed');
      const kid = decoded.header.kid;
      if (!kid) throw new InvalidTokenError('token has no key id');
      const publicKey = await keys.key(kid);
      if (!publicKey) throw new InvalidTokenError('unknown signing key');
      let payload: jwt.JwtPayload;
      try {
        payload = jwt.verify(token, publicKey, {
          algorithms: ['RS256'],
          issuer: options.issuer,
          audience: options.audience,
          // No tolerance on `exp`: skew is allowed only where it would otherwise refuse a fresh token (`iat`).
          clockTimestamp: Math.floor(now() / 1000),
          complete: false,
        }) as jwt.JwtPayload;
      } catch (error) {
        throw new InvalidTokenError((error as Error).message);
      }
      checkLifetime(payload, now() / 1000);
      if (typeof payload.sub !== 'string' || payload.sub === '') throw new InvalidTokenError('token has no subject');
      if (typeof payload.sid !== 'string' || !sessionIdPattern.test(payload.sid)) {
        throw new InvalidTokenError('token has no session id');
      }
      const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === 'string') : [];
      const caller: Caller = {
        id: payload.sub,
        roles,
        sessionId: payload.sid,
        ...(typeof payload.email === 'string' ? { email: payload.email } : {}),
      };
      if (!(await sessionActive(caller))) throw new InvalidTokenError('session ended');
      return caller;
    },
  };
}

/** `exp` and `iat` present, `iat` not ahead of our clock, and no more than the allowed lifetime between them. */
function checkLifetime(payload: jwt.JwtPayload, nowSeconds: number): void {
  if (typeof payload.exp !== 'number') throw new InvalidTokenError('token has no expiry (exp)');
  if (typeof payload.iat !== 'number') throw new InvalidTokenError('token has no issue time (iat)');
  if (payload.iat > nowSeconds + clockSkewSeconds) throw new InvalidTokenError('token issued in the future (iat)');
  if (payload.exp - payload.iat > maxAccessTokenLifetimeSeconds) {
    throw new InvalidTokenError(`token lives longer than ${maxAccessTokenLifetimeSeconds} seconds`);
  }
}

function unauthorized(detail: string) {
  return problem(401, 'Unauthorized', {
    detail,
    headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
  });
}

/** The token may be good, but its login cannot be confirmed now: try again shortly. */
export function sessionUnconfirmed(error: SessionCheckUnavailableError) {
  return problem(503, 'Service Unavailable', {
    detail: 'The login this token belongs to cannot be confirmed right now.',
    headers: { 'Retry-After': String(error.retryAfterSeconds) },
  });
}

/**
 * Reads `Authorization: Bearer <token>` (or, for transports that cannot send headers such as
 * WebSockets and EventSource, `?access_token=` when allowQueryToken is set). A request without a
 * token goes on anonymously; a request with a bad token is refused at once with 401.
 */
export function authenticate(verifier: JwtVerifier, options: { allowQueryToken?: boolean } = {}): Middleware {
  return async (ctx, next) => {
    const header = ctx.get('authorization');
    let token: string | undefined;
    if (header) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match) throw unauthorized('Authorization must be "Bearer <token>"');
      token = match[1];
    } else if (options.allowQueryToken && typeof ctx.query.access_token === 'string') {
      token = ctx.query.access_token;
    }
    if (token !== undefined) {
      try {
        ctx.state.caller = await verifier.verify(token);
      } catch (error) {
        if (error instanceof SessionCheckUnavailableError) throw sessionUnconfirmed(error);
        throw unauthorized(error instanceof InvalidTokenError ? `Invalid token: ${error.message}` : 'Invalid token');
      }
    }
    await next();
  };
}

/**
 * Who may call a route, declared once on the route (ApiRoutes) and enforced from that declaration:
 * - `anyone`: no token needed;
 * - `signed in`: any valid token; the handler acts on the caller's own account;
 * - `customer`: a valid token holding the customer role;
 * - `admin`: a valid token holding the admin role;
 * - `owner or admin`: any valid token; the handler shows the resource to its owner and to admins only (404 to
 *   anyone else, never 403, so that ids cannot be probed);
 * - `internal`: service-to-service only; the app token guard refuses everything else before routing.
 */
export type Access = 'anyone' | 'signed in' | 'customer' | 'admin' | 'owner or admin' | 'internal';

const needsToken: Middleware = async (ctx, next) => {
  if (!ctx.state.caller) throw unauthorized('This resource needs an access token');
  await next();
};

/** 401 without a valid token, 403 when the caller holds none of the roles. */
function needsRole(role: Role): Middleware {
  return async (ctx, next) => {
    const caller = ctx.state.caller;
    if (!caller) throw unauthorized('This resource needs an access token');
    if (!caller.roles.includes(role)) throw problem(403, 'Forbidden', { detail: `Needs role ${role}` });
    await next();
  };
}

const guards: Record<Access, Middleware | undefined> = {
  anyone: undefined,
  internal: undefined,
  'signed in': needsToken,
  'owner or admin': needsToken,
  customer: needsRole('customer'),
  admin: needsRole('admin'),
};

/** The middleware that enforces a declared access (none for `anyone` and `internal`); runs after `authenticate`. */
export function accessGuard(access: Access): Middleware | undefined {
  return guards[access];
}
