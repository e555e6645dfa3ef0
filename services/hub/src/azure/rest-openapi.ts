import { isV1, type RestRoute, successStatus } from './rest-routes';

const parameterDescriptions: Record<string, string> = {
  hub: 'Hub name (case-insensitive): a letter, then up to 127 letters, digits or _`,.[]',
  group: 'Group name, 1 to 1024 characters',
  user: 'User id',
  connectionId: 'Connection id',
  excluded: 'Connection ids left out (repeat the parameter for several)',
  application: 'Application name: the hub is <application>_<hub>',
  reason: 'Sent to the clients in the Close message',
  ttl: 'Seconds the membership lasts (0: only the connections the user has now; default one year)',
  userId: 'The user the token names (nameid)',
  minutesToExpire: 'Lifetime of the token, 1 to 1440 minutes (default 60)',
  'api-version': 'Any version is accepted (2022-06-01, 2022-11-01, ...)',
};

/** OpenAPI paths of the Azure SignalR REST API, from the same route table that serves it. */
export function restOpenApiPaths(routes: readonly RestRoute[]): Record<string, Record<string, object>> {
  const paths: Record<string, Record<string, object>> = {};
  for (const route of routes) {
    for (const path of route.paths) paths[`/api/${path}`] = { ...paths[`/api/${path}`], ...operations(route, path) };
  }
  return paths;
}

/** The route's operation on one of its paths, under each of its verbs. */
function operations(route: RestRoute, path: string): Record<string, object> {
  const parameters = [
    ...[...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
      name,
      in: 'path',
      required: true,
      schema: { type: 'string' },
      description: parameterDescriptions[name as string],
    })),
    ...[...(route.queryParameters ?? []), ...(isV1(path) || route.anonymous ? [] : ['api-version'])].map((name) => ({
      name,
      in: 'query',
      schema: name === 'excluded' ? { type: 'array', items: { type: 'string' } } : { type: 'string' },
      description: parameterDescriptions[name],
    })),
  ];
  const operation = {
    summary: route.summary,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.anonymous ? {} : { security: [{ accessKey: [] }] }),
    ...(route.sends
      ? {
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['target'],
                  properties: {
                    target: {
                      type: 'string',
                      description: 'The client method (property names match case-insensitively)',
                    },
                    arguments: { type: 'array', items: {}, nullable: true },
                  },
                },
              },
              'application/x-msgpack': {
                schema: {
                  type: 'string',
                  format: 'binary',
                  description: 'A MessagePack map of protocol name (json, messagepack) to the invocation record',
                },
              },
            },
          },
        }
      : {}),
    responses: Object.fromEntries(
      Object.entries(responsesOf(route, path)).map(([status, description]) => [status, { description }]),
    ),
  };
  return Object.fromEntries(route.verbs.map((verb) => [verb.toLowerCase(), operation]));
}

function responsesOf(route: RestRoute, path: string): Record<number, string> {
  const responses: Record<number, string> = { [successStatus(route, path)]: route.success };
  if (!route.anonymous) responses[401] = 'No valid token';
  return { ...responses, ...route.refusals };
}
