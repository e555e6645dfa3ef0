import { createHash, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import { problem } from '../http/problem';

/** The header daprd adds to every call into the app when it runs with env APP_API_TOKEN. */
export const daprApiTokenHeader = 'dapr-api-token';

/** The first path segments of the routes only the sidecar may call: deliveries, subscriptions, invocations. */
export const sidecarOnlySegments = ['dapr', 'internal'];

/**
 * Refuses, with a 401 problem, every request under the sidecar-only segments that does not carry the app API
 * token: any process that reaches the app port (any pod, on Kubernetes) could otherwise post a forged CloudEvent
 * or call an internal route. Mounted before the body parser, so a refused request's body is never read.
 */
export function requireAppApiToken(token: string, segments: string[] = sidecarOnlySegments): Middleware {
  const presentsToken = appApiTokenCheck(token);
  return (ctx, next) => {
    if (!isSidecarOnly(ctx.path, segments)) return next();
    if (!presentsToken(ctx.get(daprApiTokenHeader))) {
      throw problem(401, 'Unauthorized', {
        detail: `${ctx.path} is called by the Dapr sidecar only, with the app API token in the ${daprApiTokenHeader} header`,
      });
    }
    return next();
  };
}

/**
 * Routing ignores case (and a router may see through empty segments or escapes), so the guard reads the first
 * segment the same forgiving way; a path it cannot decode is guarded too, failing closed.
 */
function isSidecarOnly(path: string, segments: string[]): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return true;
  }
  const first = decoded
    .toLowerCase()
    .split('/')
    .find((segment) => segment !== '');
  return first !== undefined && segments.includes(first);
}

/**
 * Whether a presented dapr-api-token is the app API token. Digests have one length whatever was sent, so the
 * comparison takes the same time for every wrong token.
 */
export function appApiTokenCheck(token: string): (presented: string | undefined) => boolean {
  const expected = digestOf(token);
  return (presented) => presented !== undefined && presented !== '' && timingSafeEqual(digestOf(presented), expected);
}

function digestOf(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
