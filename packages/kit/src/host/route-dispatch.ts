import type Router from '@koa/router';
import type { Middleware } from 'koa';
import compose from 'koa-compose';

interface MountedRouter {
  middleware: Middleware;
  /** Lowercased `/a/b` keys of routes whose first two segments are literal. */
  exact: Set<string>;
  /** Lowercased `/a` keys of routes whose first segment is literal and second is not. */
  firstSegment: Set<string>;
  /** A route starts with a parameter or pattern: the router may match any path. */
  anyPath: boolean;
}

const literalSegment = /^[A-Za-z0-9._~-]+$/;
// Paths that routing could read differently from our key (encodings, empty segments) take the full chain.
const plainPath = /^(\/[A-Za-z0-9._~:@!$&'()*+,;=-]+)+\/?$|^\/$/;

/**
 * Mounts routers so that a request runs only those that have a route under its first two path segments, in
 * their original order, instead of every router's matcher and 405 check in turn: with one router per service
 * that is most of the routing cost of a cached read. Which routers a path can reach is decided from the routes'
 * literal prefixes, so the outcome (match, 404, 405) is the one the full chain gives.
 */
export function routeDispatch(routers: Router[]): Middleware {
  let mounted: MountedRouter[] | undefined;
  let everything: Middleware | undefined;
  const byKey = new Map<string, Middleware>();

  const mount = () => {
    mounted = routers.map(describe);
    everything = compose(mounted.map((router) => router.middleware));
    return mounted;
  };

  const chainFor = (path: string): Middleware => {
    const routes = mounted ?? mount();
    if (!plainPath.test(path)) return everything as Middleware;
    const segments = path.toLowerCase().split('/', 3);
    const first = `/${segments[1] ?? ''}`;
    const exact = segments[2] ? `${first}/${segments[2]}` : first;
    const cacheKey = routes.some((router) => router.exact.has(exact))
      ? exact
      : routes.some((router) => router.firstSegment.has(first))
        ? `${first}/*`
        : '*';
    let chain = byKey.get(cacheKey);
    if (!chain) {
      chain = compose(
        routes
          .filter((router) => router.anyPath || router.exact.has(exact) || router.firstSegment.has(first))
          .map((router) => router.middleware),
      );
      // Keys come from the routes, never from request paths alone, so the cache stays as small as the route table.
      byKey.set(cacheKey, chain);
    }
    return chain;
  };

  return (ctx, next) => chainFor(ctx.path)(ctx, next);
}

function describe(router: Router): MountedRouter {
  const exact = new Set<string>();
  const firstSegment = new Set<string>();
  let anyPath = false;
  for (const layer of router.stack) {
    if (layer.methods.length === 0) continue; // router.use() middleware runs only when a route matched
    const path = typeof layer.path === 'string' ? layer.path.toLowerCase() : '';
    const [, a, b] = path.split('/', 3);
    // The root page is one exact path, not a pattern that could match any path.
    if (path === '/') exact.add('/');
    else if (a === undefined || !literalSegment.test(a)) anyPath = true;
    else if (b === undefined || b === '') exact.add(`/${a}`);
    else if (literalSegment.test(b)) exact.add(`/${a}/${b}`);
    else firstSegment.add(`/${a}`);
  }
  const middleware = compose([router.routes(), router.allowedMethods({ throw: true })] as Middleware[]);
  return { middleware, exact, firstSegment, anyPath };
}
