import { generateKeyPairSync, type KeyObject } from 'node:crypto';
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

/** A JWKS endpoint serving the public halves of the given keys, as the identity service does. */
export async function serveJwks(keys: SigningKey[]): Promise<Listening & { requests: number }> {
  const router = new Router();
  const state = { requests: 0 };
  router.get('/jwks', (ctx) => {
    state.requests += 1;
    ctx.body = {
      keys: keys.map((key) => ({ ...key.publicKey.export({ format: 'jwk' }), kid: key.kid, alg: 'RS256', use: 'sig' })),
    };
  });
  const app = new Koa();
  app.use(router.routes());
  const server = await listen(app.callback());
  return Object.assign(server, {
    get requests() {
      return state.requests;
    },
  });
}

export function signToken(
  key: SigningKey,
  claims: Record<string, unknown> = {},
  options: jwt.SignOptions = {},
): string {
  return jwt.sign({ roles: ['customer'], email: 'ada@example.com', ...claims }, key.privateKey, {
    algorithm: 'RS256',
    keyid: key.kid,
    issuer,
    audience,
    subject: 'customer-1',
    expiresIn: '15m',
    ...options,
  });
}
