import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type Router from '@koa/router';
import type { Context } from 'koa';
import {
  allowOrigin,
  answerPreflight,
  bearerToken,
  type HubEndpoint,
  type HubServer,
  refuse,
  rejectUpgrade,
} from '../signalr';
import type { HubDirectory } from './hub-directory';
import { hubNameOf } from './hub-names';

/** The path of Azure SignalR's client endpoint: `/client/?hub=<hub>`, negotiate at `/client/negotiate?hub=<hub>`. */
export const clientPath = '/client';

export function isClientPath(path: string): boolean {
  return path === clientPath || path === `${clientPath}/`;
}

/**
 * Azure SignalR Service's client endpoint for serverless apps: the hub is named by the `hub` query, every request
 * carries an access-key token issued for that hub (by an app server's negotiate, `:generateToken`, Dapr's
 * `clientNegotiate`), and the SignalR protocol is the one of `/hubs/...`.
 */
export function addClientEndpoint(router: Router, directory: HubDirectory, server: HubServer): void {
  const methods = 'GET, POST, DELETE, OPTIONS';
  const dispatch = async (ctx: Context, run: (endpoint: HubEndpoint) => Promise<void>) => {
    if (ctx.method === 'OPTIONS') return answerPreflight(ctx, server.options.allowedOrigins, methods);
    const query = new URLSearchParams(ctx.querystring);
    const hub = hubNameOf(query.get('hub') ?? undefined);
    if (!hub.ok) {
      allowOrigin(ctx, server.options.allowedOrigins);
      return refuse(ctx, 400, hub.message, 'query.hub');
    }
    const existing = directory.endpoint(hub.name);
    if (existing) return run(existing);
    const { token, malformed } = bearerToken(ctx.get('authorization'), query);
    const opened = malformed
      ? ({ ok: false, status: 401, detail: 'Authorization must be "Bearer <token>"' } as const)
      : await directory.open(hub.name, token);
    if (opened.ok) return run(opened.endpoint);
    allowOrigin(ctx, server.options.allowedOrigins);
    if (opened.status === 401) ctx.set('WWW-Authenticate', 'Bearer error="invalid_token"');
    refuse(ctx, opened.status, opened.detail);
  };
  router.all(`${clientPath}/negotiate`, (ctx) => dispatch(ctx, (endpoint) => endpoint.negotiate(ctx)));
  router.all([clientPath, `${clientPath}/`], (ctx) => dispatch(ctx, (endpoint) => endpoint.transportRequest(ctx)));
}

/** WebSocket upgrades of the client endpoint (`/client/?hub=...`, with or without a negotiated `id`). */
export async function upgradeClient(
  directory: HubDirectory,
  server: HubServer,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  url: URL,
): Promise<void> {
  const hub = hubNameOf(url.searchParams.get('hub') ?? undefined);
  if (!hub.ok) return rejectUpgrade(socket, 400, hub.message);
  let endpoint = directory.endpoint(hub.name);
  if (!endpoint) {
    const { token, malformed } = bearerToken(req.headers.authorization, url.searchParams);
    if (malformed) return rejectUpgrade(socket, 401, 'Authorization must be "Bearer <token>"');
    const opened = await directory.open(hub.name, token);
    if (!opened.ok) {
      return rejectUpgrade(
        socket,
        opened.status,
        opened.detail,
        opened.status === 401 ? 'WWW-Authenticate: Bearer\r\n' : '',
      );
    }
    endpoint = opened.endpoint;
  }
  server.handleUpgrade(req, socket, head, endpoint);
}
