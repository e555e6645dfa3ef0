import type Router from '@koa/router';
import type { FieldError } from '@shop/kit';
import type { HubLifetimeManager } from '@shop/signalr';
import type { Context } from 'koa';
import { BackplaneUnavailableError } from '../backplane/backplane';
import { AccessTokenError, audienceMatchesPath, verifyAccessToken } from './access-key-tokens';
import { groupNameProblem, hubNameOf, idProblem } from './hub-names';
import { azureProblem, errorCodes, invalid } from './rest-problems';
import { azureRestRoutes } from './rest-route-table';
import { matchRoutes, nowSeconds, type RestApiDeps, type RestRoute, successStatus, type Verb } from './rest-routes';

export type { RestApiDeps };

/** The REST paths of the Azure SignalR data plane, both styles. */
export const restPaths = ['/api/hubs', '/api/v1/hubs', '/api/health', '/api/v1/health'];

const restRoutePatterns = ['/api/hubs/{*rest}', '/api/v1/hubs/{*rest}', '/api/health', '/api/v1/health'];

/**
 * The Azure SignalR Service data-plane REST API (the `/api/v1/...` routes and the `api-version` ones, 2022-06-01
 * and later): sends to a hub, a user, a group or a connection, group membership of connections and users,
 * existence checks, closing connections, tokens for clients. Every call but the health probe needs an access-key
 * token whose audience is the request's URL.
 */
export function addAzureRestApi(router: Router, deps: RestApiDeps): readonly RestRoute[] {
  router.all(restRoutePatterns, async (ctx) => {
    try {
      await serve(ctx, azureRestRoutes, deps);
    } catch (error) {
      if (error instanceof BackplaneUnavailableError) {
        throw azureProblem(503, errorCodes.unavailable, 'The hub replicas cannot reach each other now; retry.', {
          headers: { 'Retry-After': '1' },
        });
      }
      throw error;
    }
  });
  return azureRestRoutes;
}

async function serve(ctx: Context, routes: readonly RestRoute[], deps: RestApiDeps): Promise<void> {
  const segments = pathSegments(ctx.path);
  const matched = matchRoutes(routes, segments);
  if (matched.length === 0) throw azureProblem(404, errorCodes.notFound, `No REST API route at ${ctx.path}`);
  const verb = ctx.method as Verb;
  const found = matched.find(({ route }) => route.verbs.includes(verb));
  if (!found) {
    const allowed = [...new Set(matched.flatMap(({ route }) => route.verbs))].join(', ');
    throw azureProblem(405, errorCodes.methodNotAllowed, `${ctx.method} is not allowed here`, {
      headers: { Allow: allowed },
    });
  }
  const { route, path, params } = found;
  if (!route.anonymous) authorize(ctx, deps);
  const query = new URLSearchParams(ctx.querystring);
  const errors: FieldError[] = [];
  let hub = '';
  if (params.hub !== undefined) {
    const name = hubNameOf(params.hub, query.get('application'));
    if (name.ok) hub = name.name;
    else errors.push({ path: 'path.hub', message: name.message });
  }
  if (params.group !== undefined) {
    const problem = groupNameProblem(params.group);
    if (problem) errors.push({ path: 'path.group', message: problem });
  }
  for (const field of ['user', 'connectionId'] as const) {
    const value = params[field];
    const problem = value === undefined ? undefined : idProblem(field, value);
    if (problem) errors.push({ path: `path.${field}`, message: problem });
  }
  for (const excluded of query.getAll('excluded')) {
    const problem = idProblem('excluded', excluded);
    if (problem) errors.push({ path: 'query.excluded', message: problem });
  }
  if ((query.get('reason')?.length ?? 0) > 1024) {
    errors.push({ path: 'query.reason', message: 'reason must be at most 1024 characters' });
  }
  if (errors.length > 0) throw invalid(errors);
  const { hub: _hub, ...names } = params;
  let lifetime: HubLifetimeManager | undefined;
  await route.handle({
    ctx,
    deps,
    hub,
    params: names,
    query,
    // Looked up only by the routes that name a hub (not the health probes).
    get lifetime() {
      lifetime ??= deps.directory.lifetime(hub);
      return lifetime;
    },
  });
  const status = successStatus(route, path);
  if (status !== 204 && ctx.body === undefined) ctx.body = '';
  ctx.status = status;
}

/** Path segments after `/api/`, URL-decoded (Dapr does not escape user and group names; others do). */
function pathSegments(path: string): string[] {
  const segments = path.slice('/api/'.length).split('/');
  if (segments.length > 1 && segments.at(-1) === '') segments.pop();
  try {
    return segments.map((segment) => decodeURIComponent(segment));
  } catch {
    throw invalid([{ path: 'path', message: 'the path holds a malformed percent-encoding' }]);
  }
}

function authorize(ctx: Context, deps: RestApiDeps): void {
  const refuse = (detail: string) =>
    azureProblem(401, errorCodes.unauthorized, detail, {
      headers: { 'WWW-Authenticate': `Bearer error="invalid_token", error_description="${detail}"` },
    });
  const header = ctx.get('authorization');
  if (!header) throw refuse('An access token signed with the access key is required');
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw refuse('Authorization must be "Bearer <token>"');
  let claims: ReturnType<typeof verifyAccessToken>;
  try {
    claims = verifyAccessToken(match[1] as string, deps.accessKeys, nowSeconds(deps));
  } catch (error) {
    if (error instanceof AccessTokenError) throw refuse(error.message);
    throw error;
  }
  if (!audienceMatchesPath(claims, ctx.path)) throw refuse('The audience is invalid');
}
