import type { Middleware } from 'koa';
import type { IdentityDeps, SigningKeys } from '../application/ports';

/** What the routes need: the application's dependencies and the few HTTP-only settings. */
export interface IdentityHttp {
  deps: IdentityDeps;
  keys: SigningKeys;
  authenticate: Middleware;
  trustedProxyHops: number;
}
