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
  /** The hub's name: lowercased, `<application>_<hub>` when the query names an application. */
  hub: string;
  /** `user`, `group`, `connectionId` from the path, URL-decoded. */
  params: Record<string, string>;
  query: URLSearchParams;
  lifetime: HubLifetimeManager;
}

export interface RestRoute {
  verbs: Verb[];
  /** Path segments after `/api/`; `{name}` is a parameter. */
  path: string;
  summary: string;
  /** Answers without a token (the health probe: the Management SDK sends none). */
  anonymous?: boolean;
  /** Query parameters it reads, for the OpenAPI document. */
  queryParameters?: string[];
  /** Reads a `{target, arguments}` body. */
  sends?: boolean;
  responses: Record<number, string>;
  handle(call: RestCall): Promise<void>;
}

export interface MatchedRoute {
  route: RestRoute;
  params: Record<string, string>;
}

/**
 * The routes whose path matches `segments` (literal segments compared case-insensitively, as Azure routes); the
 * caller picks the one for the method, or answers 405 with what the path allows.
 */
export function matchRoutes(routes: readonly RestRoute[], segments: readonly string[]): MatchedRoute[] {
  const matched: MatchedRoute[] = [];
  for (const route of routes) {
    const pattern = route.path.split('/');
    if (pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let matches = true;
    for (let index = 0; index < pattern.length && matches; index++) {
      const expected = pattern[index] as string;
      const actual = segments[index] as string;
      if (expected.startsWith('{')) params[expected.slice(1, -1)] = actual;
      else matches = expected.toLowerCase() === actual.toLowerCase();
    }
    if (matches) matched.push({ route, params });
  }
  return matched;
}
