import type { Middleware } from 'koa';
import type { IdentityDeps } from '../application/ports';
import type { SigningKeyRing } from '../infrastructure/signing-keys';

/** What the routes need: the application's dependencies and the few HTTP-only settings. */
export interface IdentityHttp {
  deps: IdentityDeps;
  keys: SigningKeyRing;
  authenticate: Middleware;
  trustedProxyHops: number;
}
