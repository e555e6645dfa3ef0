import { createPublicKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import JwksRsa from 'jwks-rsa';
import type { Middleware } from 'koa';
import { problem } from './problem';

export type Role = 'customer' | 'admin';

/** Who is calling, from a verified access token. */
export interface Caller {
  id: string;
  email?: string;
  roles: string[];
}

declare module 'koa' {
  interface DefaultState {
    caller?: Caller;
  }
}

export interface JwtVerifierOptions {
  /** The identity service's JWKS, e.g. http://identity/api/auth/jwks; a function is read at the first verification. */
  jwksUri: string | (() => string);
  issuer: string;
  audience: string;
  /** How long fetched keys are trusted before the JWKS is read again. */
  cacheMaxAgeMs?: number;
  /** Bounds refetches caused by tokens with unknown key ids. */
  jwksRequestsPerMinute?: number;
}

export interface JwtVerifier {
  /** The caller a token names, or an Error saying why the token is not acceptable. */
  verify(token: string): Promise<Caller>;
}

export class InvalidTokenError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidTokenError';
  }
}

/**
 * Verifies RS256 access tokens against the identity service's JWKS. Only RS256 is accepted, the key
 * is chosen by `kid` alone (a token without one, or with one the JWKS does not hold, is refused), and
 * issuer, audience and expiry are enforced: the usual JWT attacks (alg none, HS256 signed with the
 * public key, swapped kid) all fail here.
 */
export function createJwtVerifier(options: JwtVerifierOptions): JwtVerifier {
  let client: JwksRsa.JwksClient | undefined;
  // Parsing a PEM into a key is a measurable share of a request; the JWKS holds a handful of keys.
  const parsedKeys = new Map<string, KeyObject>();
  const keyObjectOf = (pem: string) => {
    let key = parsedKeys.get(pem);
    if (!key) {
      if (parsedKeys.size >= 32) parsedKeys.clear();
      key = createPublicKey(pem);
      parsedKeys.set(pem, key);
    }
    return key;
  };
  // Built on first use: in the embedded topology the JWKS lives on this same server, whose port may be known
  // only once it listens.
  const jwks = () => {
    client ??= JwksRsa({
      jwksUri: typeof options.jwksUri === 'function' ? options.jwksUri() : options.jwksUri,
      cache: true,
      cacheMaxAge: options.cacheMaxAgeMs ?? 10 * 60_000,
      rateLimit: true,
      jwksRequestsPerMinute: options.jwksRequestsPerMinute ?? 10,
      timeout: 5_000,
    });
    return client;
  };

  return {
    async verify(token) {
      const decoded = jwt.decode(token, { complete: true });
      if (!decoded || typeof decoded.payload === 'string') throw new InvalidTokenError('malformed token');
      if (decoded.header.alg !== 'RS256') throw new InvalidTokenError('algorithm not allowed');
      const kid = decoded.header.kid;
      if (!kid) throw new InvalidTokenError('token has no key id');
      let publicKey: KeyObject;
      try {
        publicKey = keyObjectOf((await jwks().getSigningKey(kid)).getPublicKey());
      } catch {
        throw new InvalidTokenError('unknown signing key');
      }
      let payload: jwt.JwtPayload;
      try {
        payload = jwt.verify(token, publicKey, {
          algorithms: ['RS256'],
          issuer: options.issuer,
          audience: options.audience,
          complete: false,
        }) as jwt.JwtPayload;
      } catch (error) {
        throw new InvalidTokenError((error as Error).message);
      }
      if (typeof payload.sub !== 'string' || payload.sub === '') throw new InvalidTokenError('token has no subject');
      const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === 'string') : [];
      return { id: payload.sub, roles, ...(typeof payload.email === 'string' ? { email: payload.email } : {}) };
    },
  };
}

function unauthorized(detail: string) {
  return problem(401, 'Unauthorized', {
    detail,
    headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
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
        throw unauthorized(error instanceof InvalidTokenError ? `Invalid token: ${error.message}` : 'Invalid token');
      }
    }
    await next();
  };
}

/** 401 unless the request carries a valid token. */
export function requireAuth(): Middleware {
  return async (ctx, next) => {
    if (!ctx.state.caller) throw unauthorized('This resource needs an access token');
    await next();
  };
}

/** 401 without a valid token, 403 when the caller holds none of the roles. */
export function requireRole(...roles: Role[]): Middleware {
  return async (ctx, next) => {
    const caller = ctx.state.caller;
    if (!caller) throw unauthorized('This resource needs an access token');
    if (!roles.some((role) => caller.roles.includes(role))) {
      throw problem(403, 'Forbidden', { detail: `Needs role ${roles.join(' or ')}` });
    }
    await next();
  };
}
