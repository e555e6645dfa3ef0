/**
 * The hub's HTTP surface for /openapi/hub.json: negotiate and the transport endpoints of each hub, and whatever
 * else the service serves (`extraPaths`: the Azure REST API).
 */
export function hubOpenApi(
  hubs: Array<{ path: string; summary: string; authenticated: boolean; query?: object[] }>,
  extraPaths: Record<string, object> = {},
): object {
  const paths: Record<string, object> = {};
  for (const hub of hubs) {
    const security = hub.authenticated ? { security: [{ bearer: [] }] } : {};
    const unauthorized = hub.authenticated ? { 401: { description: 'No valid access token' } } : {};
    paths[`${hub.path}/negotiate`] = {
      post: {
        summary: `Negotiate a connection: ${hub.summary}`,
        description:
          'ASP.NET Core SignalR negotiate (versions 0 and 1). The body is ignored. Errors in the query are answered with 200 {"error"} as the protocol requires.',
        parameters: [
          ...(hub.query ?? []),
          { name: 'negotiateVersion', in: 'query', schema: { type: 'integer', minimum: 0 } },
          { name: 'useStatefulReconnect', in: 'query', schema: { type: 'boolean' } },
        ],
        ...security,
        responses: {
          200: {
            description: 'The connection, or {"error"}',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: {
                    negotiateVersion: { type: 'integer' },
                    connectionId: { type: 'string' },
                    connectionToken: { type: 'string' },
                    availableTransports: {
                      type: 'array',
                      items: {
                        type: 'object',
                        properties: {
                          transport: { type: 'string', enum: ['WebSockets', 'ServerSentEvents', 'LongPolling'] },
                          transferFormats: { type: 'array', items: { type: 'string', enum: ['Text', 'Binary'] } },
                        },
                      },
                    },
                    useStatefulReconnect: { type: 'boolean' },
                    error: { type: 'string' },
                  },
                },
              },
            },
          },
          ...unauthorized,
        },
      },
    };
    const id = {
      name: 'id',
      in: 'query',
      required: true,
      schema: { type: 'string' },
      description: 'The connection token',
    };
    const transportParameters = [...(hub.query ?? []), id];
    paths[hub.path] = {
      get: {
        summary: 'WebSocket upgrade, Server-Sent Events (Accept: text/event-stream) or a long poll',
        parameters: transportParameters,
        ...security,
        responses: {
          101: { description: 'WebSocket (an `id` is optional: without it the connection skips negotiate)' },
          200: { description: 'The event stream, or a poll answer (the records queued since the last poll)' },
          204: { description: 'Long polling: the connection ended' },
          ...unauthorized,
        },
      },
      post: {
        summary: 'Hub protocol bytes from the client (Server-Sent Events and long polling)',
        parameters: transportParameters,
        ...security,
        requestBody: { content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
        responses: { 200: { description: 'Received' }, ...unauthorized },
      },
      delete: {
        summary: 'End a long-polling connection',
        parameters: transportParameters,
        ...security,
        responses: { 202: { description: 'Ended' }, ...unauthorized },
      },
    };
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'hub',
      version: '1',
      description:
        'Realtime hub speaking the ASP.NET Core SignalR protocol: JSON and MessagePack over WebSockets, Server-Sent Events and long polling; and the Azure SignalR Service data-plane REST API and client endpoint.',
    },
    paths: { ...paths, ...extraPaths },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        accessKey: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'HS256 signed with HUB_ACCESS_KEY; aud = the request URL (REST) or <endpoint>/client/?hub=<hub>',
        },
      },
    },
  };
}
