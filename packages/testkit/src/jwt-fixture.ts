import { generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';
import type { RequestListener } from 'node:http';
import Router from '@koa/router';
import jwt from 'jsonwebtoken';
import Koa from 'koa';
import { type Listening, listen } from './listen';

export const issuer = 'https://identity.shop.test';
export const audience = 'shop-api';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export function newSigningKey(kid: string): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, publicKey };
}

/**
 * The logins (`sid`) of the tokens signToken made, with their customers, standing in for the identity service's
 * refresh-token families: live until ended.
 */
const liveSessions = new Map<string, string>();

/** Ends a login, as a logout or a deleted account does at the identity service. */
export function endSession(sessionId: string): void {
  liveSessions.delete(sessionId);
}

/** The session answers of these tokens, for verifiers built directly (the kit's SessionLookup). */
export async function lookUpSession(
  sessionId: string,
): Promise<{ active: true; customerId: string } | { active: false }> {
  const customerId = liveSessions.get(sessionId);
  return customerId === undefined ? { active: false } : { active: true, customerId };
}

export interface FixtureIdentity extends Listening {
  /** GET requests the JWKS has had. */
  requests: number;
  /** The same routes as a listener, to put on an embedded bus as app `identity`. */
  listener: RequestListener;
}

/**
 * The identity service's routes that verifiers use, as the identity service serves them: the public halves of
 * the given keys at `/jwks` (keys may be pushed later, as a rotation does), and `GET /internal/sessions/:sid`
 * answering the logins of the tokens signToken made.
 */
export async function serveJwks(keys: SigningKey[]): Promise<FixtureIdentity> {
  const router = new Router();
  const state = { requests: 0 };
  router.get('/jwks', (ctx) => {
    state.requests += 1;
    ctx.body = {
      keys: keys.map((key) => ({ ...key.publicKey.export({ format: 'jwk' }), kid: key.kid, alg: 'RS256', use: 'sig' })),
    };
  });
  router.get('/internal/sessions/:sid', async (ctx) => {
    const session = await lookUpSession(ctx.params.sid as string);
    if (!session.active) {
      ctx.status = 404;
      return;
    }
    ctx.body = session;
  });
  const app = new Koa();
  app.use(router.routes());
  const listener = app.callback();
  const server = await listen(listener);
  return Object.assign(server, {
    listener,
    get requests() {
      return state.requests;
    },
  });
}

/** A token as identity issues it (15 minutes), in a new live login (`sid`) unless claims name one. */
export function signToken(
  key: SigningKey,
  claims: Record<string, unknown> = {},
  options: jwt.SignOptions = {},
): string {
  const subject = options.subject ?? 'customer-1';
  const sid = 'sid' in claims ? claims.sid : randomUUID();
  if (!('sid' in claims)) liveSessions.set(sid as string, subject);
  // A claim given as undefined is left out (jsonwebtoken refuses an undefined `exp` or `iat`).
  const payload = Object.fromEntries(
    Object.entries({ roles: ['customer'], email: 'ada@example.com', sid, ...claims }).filter(
      ([, v]) => v !== undefined,
    ),
  );
  return jwt.sign(payload, key.privateKey, {
    algorithm: 'RS256',
    keyid: key.kid,
    issuer,
    audience,
    subject,
    // A token whose claims carry their own `exp` (or none: `exp: undefined`) gets no default lifetime.
    ...('exp' in claims ? {} : { expiresIn: '15m' }),
    ...options,
  });
}
