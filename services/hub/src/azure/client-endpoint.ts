import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type Router from '@koa/router';
import {
  allowOrigin,
  answerPreflight,
  bearerToken,
  type HttpExchange,
  type HubServer,
  refuse,
  rejectUpgrade,
} from '@shop/signalr';
import { answerOnNode } from '../koa-hub-routes';
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
  const dispatch = async (exchange: HttpExchange, request: 'negotiate' | 'transport') => {
    if (exchange.method === 'OPTIONS') return answerPreflight(exchange, server.options.allowedOrigins, methods);
    const hub = hubNameOf(exchange.query.get('hub') ?? undefined);
    if (!hub.ok) {
      allowOrigin(exchange, server.options.allowedOrigins);
      return refuse(exchange, 400, hub.message, 'query.hub');
    }
    const existing = directory.endpoint(hub.name);
    if (existing) return server.serve(exchange, existing, request);
    const { token, malformed } = bearerToken(exchange.header('authorization'), exchange.query);
    const opened = malformed
      ? ({ ok: false, status: 401, detail: 'Authorization must be "Bearer <token>"' } as const)
      : await directory.open(hub.name, token);
    if (opened.ok) return server.serve(exchange, opened.endpoint, request);
    allowOrigin(exchange, server.options.allowedOrigins);
    if (opened.status === 401) exchange.set('WWW-Authenticate', 'Bearer error="invalid_token"');
    refuse(exchange, opened.status, opened.detail);
  };
  router.all(`${clientPath}/negotiate`, (ctx) => answerOnNode(ctx, (exchange) => dispatch(exchange, 'negotiate')));
  router.all([clientPath, `${clientPath}/`], (ctx) => answerOnNode(ctx, (exchange) => dispatch(exchange, 'transport')));
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
