import type { HubLifetimeManager } from '@shop/signalr';
import type { Context } from 'koa';
import type { HubDirectory } from './hub-directory';

export interface RestApiDeps {
  directory: HubDirectory;
  /** The access keys tokens may be signed with (the first signs the tokens `:generateToken` issues). */
  accessKeys: readonly string[];
  /** Largest request body (Azure: 1 MB). */
  maxBodyBytes: number;
  /** Largest hub message inside a binary payload. */
  maxMessageBytes: number;
  now?: () => number;
}

export function nowSeconds(deps: Pick<RestApiDeps, 'now'>): number {
  return Math.floor((deps.now?.() ?? Date.now()) / 1000);
}

export type Verb = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';

/** One REST call, matched and authorised, its names validated. */
export interface RestCall {
  ctx: Context;
  deps: RestApiDeps;
  /** The hub's name: lowercased, `<application>_<hub>` when the query names an application. */
  hub: string;
  /** `user`, `group`, `connectionId` from the path, URL-decoded. */
  params: Record<string, string>;
  query: URLSearchParams;
  lifetime: HubLifetimeManager;
}

/**
 * What a route does. The route's status of success follows, with an empty body unless the handler set one; a
 * refusal is a thrown problem.
 */
export type RestHandler = (call: RestCall) => Promise<void>;

export interface RestRoute {
  summary: string;
  verbs: Verb[];
  /**
   * Path segments after `/api/` (`{name}` is a parameter): the route's own path, then its aliases (the emulator's
   * reversed spelling, the v1 style's `v1/...`). Every path runs the same handler.
   */
  paths: string[];
  /** The status of success, and what it means. */
  status: number;
  success: string;
  /** The v1 style's status of success, where it differs. */
  v1Status?: number;
  handle: RestHandler;
  /** Answers without a token (the health probe: the Management SDK sends none). */
  anonymous?: boolean;
  /** Reads a `{target, arguments}` body. */
  sends?: boolean;
  /** Query parameters it reads, for the OpenAPI document. */
  queryParameters?: string[];
  /** Refusals it may answer besides 401 (no valid token), by status. */
  refusals?: Record<number, string>;
}

/** The status `route` answers on `path`: the v1 style has its own for some routes. */
export function successStatus(route: RestRoute, path: string): number {
  return isV1(path) ? (route.v1Status ?? route.status) : route.status;
}

export function isV1(path: string): boolean {
  return path.startsWith('v1/');
}

export interface MatchedRoute {
  route: RestRoute;
  /** The path of the route that matched. */
  path: string;
  params: Record<string, string>;
}

/**
 * The routes with a path that matches `segments` (literal segments compared case-insensitively, as Azure routes);
 * the caller picks the one for the method, or answers 405 with what the path allows.
 */
export function matchRoutes(routes: readonly RestRoute[], segments: readonly string[]): MatchedRoute[] {
  const matched: MatchedRoute[] = [];
  for (const route of routes) {
    for (const path of route.paths) {
      const params = matchPath(path, segments);
      if (params) matched.push({ route, path, params });
    }
  }
  return matched;
}

function matchPath(path: string, segments: readonly string[]): Record<string, string> | undefined {
  const pattern = path.split('/');
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let index = 0; index < pattern.length; index++) {
    const expected = pattern[index] as string;
    const actual = segments[index] as string;
    if (expected.startsWith('{')) params[expected.slice(1, -1)] = actual;
    else if (expected.toLowerCase() !== actual.toLowerCase()) return undefined;
  }
  return params;
}
