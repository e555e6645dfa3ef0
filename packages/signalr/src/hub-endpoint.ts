import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import { ClientConnection, type ConnectionEnvironment } from './client-connection';
import { allowOrigin, answerPreflight } from './cors';
import { BodyTooLargeError, bearerToken, noCache, readRawBody, refuse } from './http-answers';
import type { HttpExchange } from './http-exchange';
import { HubClients, type SendScope } from './hub-clients';
import type { HubDefinition, HubPrincipal } from './hub-definition';
import type { HubLifetimeManager } from './hub-lifetime-manager';
import type { HubLog } from './hub-log';
import { type HubMetrics, HubStats, type TransportKind } from './hub-metrics';
import type { HubServerOptions } from './hub-server-options';
import { LocalHubLifetimeManager } from './local-hub-lifetime-manager';
import { type NegotiateResponse, readNegotiateQuery, transferFormatsOf } from './negotiate';
import type { HubProtocol } from './protocol/hub-protocol';
import { LongPollingTransport } from './transports/long-polling-transport';
import { ServerSentEventsTransport } from './transports/server-sent-events-transport';
import { WebSocketTransport } from './transports/websocket-transport';

/** Thrown by an endpoint's authenticate to refuse a request with 401. */
export class UnauthorizedError extends Error {}

/** Thrown by an endpoint's authenticate to refuse a valid token that may not use the hub, with 403. */
export class ForbiddenError extends Error {}

/**
 * Thrown by an endpoint's authenticate when it cannot decide now (the service it asks is away): the request is
 * refused with 503 and Retry-After, and the client may try again.
 */
export class UnavailableError extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/**
 * Who a request is from. `token` is the bearer token of the header or of `access_token`; throw
 * UnauthorizedError to refuse, UnavailableError to ask for a retry. Without an authenticate function an endpoint
 * is anonymous.
 */
export type Authenticate = (token: string | undefined) => Promise<HubPrincipal | undefined>;

export interface HubEndpointOptions {
  hub: HubDefinition;
  authenticate?: Authenticate;
  /** Where connections, groups and users live; one process's memory unless a backplane is given. */
  lifetime?: HubLifetimeManager;
}

type Caller =
  | { ok: true; principal: HubPrincipal | undefined }
  | { ok: false; status: 401 | 403; detail: string }
  | { ok: false; status: 503; detail: string; retryAfterSeconds: number };

const transportMethods = 'GET, POST, DELETE, OPTIONS';

/**
 * One hub at one URL: negotiate, the three transports and the connections they carry
 * (ASP.NET Core's HttpConnectionDispatcher and HubConnectionHandler for a single hub).
 */
export class HubEndpoint {
  readonly clients: HubClients;
  readonly lifetime: HubLifetimeManager;
  readonly stats: HubStats;
  private readonly connections = new Map<string, ClientConnection>();
  private readonly environment: ConnectionEnvironment;
  private readonly observeSend: (scope: SendScope, seconds: number) => void;

  constructor(
    readonly path: string,
    private readonly endpoint: HubEndpointOptions,
    private readonly options: HubServerOptions,
    protocols: ReadonlyMap<string, HubProtocol>,
    metrics: HubMetrics | undefined,
    private readonly log: HubLog,
    private readonly clock: { now: number },
  ) {
    const hub = endpoint.hub;
    this.stats = new HubStats(hub.name);
    this.lifetime = endpoint.lifetime ?? new LocalHubLifetimeManager({ hub: hub.name });
    this.observeSend = (scope, seconds) => metrics?.observeSend(hub.name, scope, seconds);
    this.clients = new HubClients(this.lifetime, this.observeSend);
    this.environment = {
      hub,
      lifetime: this.lifetime,
      clients: this.clients,
      protocols,
      options,
      stats: this.stats,
      log,
      clock,
      forget: (connection) => {
        if (this.connections.get(connection.connectionToken) === connection) {
          this.connections.delete(connection.connectionToken);
        }
      },
    };
  }

  /**
   * The send API over another lifetime manager of this hub, timed like `clients`: e.g. a backplane's local part,
   * for sends that every replica makes to its own connections.
   */
  clientsOver(lifetime: HubLifetimeManager): HubClients {
    return new HubClients(lifetime, this.observeSend);
  }

  get hubName(): string {
    return this.endpoint.hub.name;
  }

  /** Every connection of this endpoint, negotiated or live. */
  get connectionCount(): number {
    return this.connections.size;
  }

  heartbeat(now: number): void {
    for (const connection of this.connections.values()) {
      try {
        connection.heartbeat(now);
      } catch (error) {
        this.log.error({ err: error, connectionId: connection.connectionId }, 'connection heartbeat failed');
        connection.abort('Connection closed with an error.');
      }
    }
  }

  /**
   * Closes the connections whose principal `ended` says no longer holds (a login revoked since they connected),
   * asking about at most `concurrency` principals at once; answers how many were closed.
   */
  async closeEnded(
    ended: (principal: HubPrincipal) => Promise<boolean>,
    options: { error: string; concurrency: number },
  ): Promise<number> {
    const queue = [...this.connections.values()];
    let closed = 0;
    const worker = async () => {
      for (let connection = queue.shift(); connection; connection = queue.shift()) {
        if (!connection.principal || connection.closed) continue;
        if (await ended(connection.principal)) {
          connection.close({ error: options.error, allowReconnect: false });
          closed += 1;
        }
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    return closed;
  }

  /** Closes every connection, telling clients they may reconnect (to another replica, or to this one restarted). */
  closeAll(options: { error?: string; allowReconnect?: boolean }): void {
    for (const connection of [...this.connections.values()]) connection.close(options);
  }

  async negotiate(exchange: HttpExchange): Promise<void> {
    if (exchange.method === 'OPTIONS') return answerPreflight(exchange, this.options.allowedOrigins, 'POST, OPTIONS');
    allowOrigin(exchange, this.options.allowedOrigins);
    if (exchange.method !== 'POST') {
      exchange.set('Allow', 'POST');
      return refuse(exchange, 405, 'Negotiate takes POST requests only.');
    }
    const query = exchange.query;
    const caller = await this.caller(exchange.header('authorization'), query);
    if (!caller.ok) return this.refuseCaller(exchange, caller);
    // The body is empty (the JS client sends none and no content type); whatever came is left unread.
    const request = readNegotiateQuery(query);
    noCache(exchange);
    if (!request.ok) return exchange.json(200, { error: request.error });
    const statefulReconnect = request.statefulReconnect && this.options.statefulReconnect && request.version > 0;
    const connectionId = newId();
    const token = request.version > 0 ? newId() : connectionId;
    const connection = new ClientConnection(connectionId, token, caller.principal, statefulReconnect, this.environment);
    this.connections.set(token, connection);
    const protocols = [...this.environment.protocols.values()];
    const response: NegotiateResponse = {
      negotiateVersion: request.version,
      connectionId,
      ...(request.version > 0 ? { connectionToken: token } : {}),
      availableTransports: this.options.transports.map((transport) => ({
        transport,
        transferFormats: transferFormatsOf(transport, protocols),
      })),
      // Only when asked: the JS client fails on an answer it did not ask for.
      ...(statefulReconnect ? { useStatefulReconnect: true as const } : {}),
    };
    exchange.json(200, response);
  }

  /** GET (server-sent events or a long poll), POST (what the client sends on those) and DELETE (end a long poll). */
  async transportRequest(exchange: HttpExchange): Promise<void> {
    if (exchange.method === 'OPTIONS') return answerPreflight(exchange, this.options.allowedOrigins, transportMethods);
    allowOrigin(exchange, this.options.allowedOrigins);
    if (exchange.method !== 'GET' && exchange.method !== 'POST' && exchange.method !== 'DELETE') {
      exchange.set('Allow', 'GET, POST, DELETE');
      return refuse(exchange, 405, `${exchange.method} is not a SignalR transport request.`);
    }
    noCache(exchange);
    const query = exchange.query;
    const caller = await this.caller(exchange.header('authorization'), query);
    if (!caller.ok) return this.refuseCaller(exchange, caller);
    const token = query.get('id');
    if (!token) return refuse(exchange, 400, 'Connection ID required', 'query.id');
    const connection = this.connections.get(token);
    if (!connection) return refuse(exchange, 404, 'No Connection with that ID', 'query.id');
    if (!sameUser(connection, caller.principal)) {
      return refuse(exchange, 403, 'The connection belongs to another user.');
    }
    if (exchange.method === 'POST') return this.receive(exchange, connection);
    if (exchange.method === 'DELETE') return this.deleteLongPolling(exchange, connection);
    const kind: TransportKind = exchange.header('accept').includes('text/event-stream')
      ? 'ServerSentEvents'
      : 'LongPolling';
    if (!this.options.transports.includes(kind)) return refuse(exchange, 404, `The ${kind} transport is not enabled.`);
    if (connection.started && connection.transportKind !== kind) {
      return refuse(exchange, 400, 'Cannot change transports mid-connection');
    }
    if (kind === 'ServerSentEvents') return this.serverSentEvents(exchange, connection);
    return this.longPoll(exchange, connection);
  }

  /** A WebSocket upgrade for this hub (no `id`: a connection without negotiate, "skipNegotiation"). */
  async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL, server: WebSocketServer): Promise<void> {
    const origin = req.headers.origin;
    const allowed = this.options.allowedOrigins;
    if (origin && allowed !== '*' && !allowed.includes(origin)) return rejectUpgrade(socket, 403, 'Origin not allowed');
    if (!this.options.transports.includes('WebSockets')) {
      return rejectUpgrade(socket, 404, 'The WebSockets transport is not enabled.');
    }
    const caller = await this.caller(req.headers.authorization, url.searchParams);
    if (socket.destroyed) return;
    if (!caller.ok && caller.status === 503) {
      return rejectUpgrade(socket, 503, caller.detail, `Retry-After: ${caller.retryAfterSeconds}\r\n`);
    }
    if (!caller.ok && caller.status === 403) return rejectUpgrade(socket, 403, caller.detail);
    if (!caller.ok) return rejectUpgrade(socket, 401, caller.detail, 'WWW-Authenticate: Bearer\r\n');
    const token = url.searchParams.get('id');
    let connection: ClientConnection;
    let resuming = false;
    if (!token) {
      const connectionId = newId();
      connection = new ClientConnection(connectionId, connectionId, caller.principal, false, this.environment);
      this.connections.set(connectionId, connection);
    } else {
      const found = this.connections.get(token);
      if (!found) return rejectUpgrade(socket, 404, 'No Connection with that ID');
      if (!sameUser(found, caller.principal))
        return rejectUpgrade(socket, 403, 'The connection belongs to another user.');
      if (found.started) {
        if (found.transportKind !== 'WebSockets')
          return rejectUpgrade(socket, 400, 'Cannot change transports mid-connection');
        if (!found.resumable) return rejectUpgrade(socket, 409, 'Connection already active');
        resuming = true;
      }
      connection = found;
    }
    server.handleUpgrade(req, socket, head, (ws) => {
      if (connection.closed) {
        ws.close(1000);
        return;
      }
      const transport = new WebSocketTransport(ws, socket, connection);
      if (resuming) connection.resume(transport);
      else connection.start(transport);
    });
  }

  private async receive(exchange: HttpExchange, connection: ClientConnection): Promise<void> {
    if (connection.transportKind === 'WebSockets') {
      return refuse(exchange, 405, 'POST requests are not allowed for WebSocket connections.');
    }
    if (!connection.started) return refuse(exchange, 400, 'The connection has not started a transport yet.');
    let body: Buffer;
    try {
      body = await readRawBody(exchange.req, this.options.maxRequestBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        connection.abort('The client sent more than the server accepts in one request.');
        return refuse(exchange, 413, `A request body may hold at most ${this.options.maxRequestBytes} bytes.`, 'body');
      }
      throw error;
    }
    if (connection.closed) return refuse(exchange, 404, 'No Connection with that ID', 'query.id');
    if (body.length > 0) connection.receive(body);
    exchange.empty(200);
  }

  private deleteLongPolling(exchange: HttpExchange, connection: ClientConnection): void {
    if (connection.transportKind !== 'LongPolling') {
      refuse(exchange, 400, 'Cannot terminate this connection using the DELETE endpoint.');
      return;
    }
    connection.transportClosed(connection.currentTransport as LongPollingTransport, true);
    exchange.empty(202);
  }

  private async serverSentEvents(exchange: HttpExchange, connection: ClientConnection): Promise<void> {
    if (connection.started) return refuse(exchange, 409, 'Connection already active');
    const transport = new ServerSentEventsTransport(exchange.res, connection);
    connection.start(transport);
    transport.open();
    await new Promise<void>((resolve) => exchange.res.once('close', resolve));
  }

  private async longPoll(exchange: HttpExchange, connection: ClientConnection): Promise<void> {
    let transport = connection.currentTransport;
    if (!connection.started) {
      transport = new LongPollingTransport(connection, this.options.longPollTimeoutMs, this.clock.now);
      connection.start(transport);
    }
    if (!(transport instanceof LongPollingTransport))
      return refuse(exchange, 404, 'No Connection with that ID', 'query.id');
    const poll = transport;
    let answered = false;
    const aborted = () => {
      if (!answered) poll.pollAborted(this.clock.now);
    };
    exchange.req.once('close', aborted);
    const answer = await poll.poll(this.clock.now);
    answered = true;
    exchange.req.off('close', aborted);
    if (answer.status === 204) return exchange.empty(204);
    exchange.bytes(200, 'application/octet-stream', answer.body);
  }

  private async caller(authorization: string | undefined, query: URLSearchParams): Promise<Caller> {
    const authenticate = this.endpoint.authenticate;
    if (!authenticate) return { ok: true, principal: undefined };
    const { token, malformed } = bearerToken(authorization, query);
    if (malformed) return { ok: false, status: 401, detail: 'Authorization must be "Bearer <token>"' };
    try {
      return { ok: true, principal: await authenticate(token) };
    } catch (error) {
      if (error instanceof UnauthorizedError) return { ok: false, status: 401, detail: error.message };
      if (error instanceof ForbiddenError) return { ok: false, status: 403, detail: error.message };
      if (error instanceof UnavailableError) {
        return { ok: false, status: 503, detail: error.message, retryAfterSeconds: error.retryAfterSeconds };
      }
      this.log.error({ err: error, hub: this.hubName }, 'authentication failed');
      throw error;
    }
  }

  private refuseCaller(exchange: HttpExchange, caller: Caller & { ok: false }): void {
    if (caller.status === 503) exchange.set('Retry-After', String(caller.retryAfterSeconds));
    else if (caller.status === 401) exchange.set('WWW-Authenticate', 'Bearer error="invalid_token"');
    refuse(exchange, caller.status, caller.detail);
  }
}

/** 16 random bytes, base64url: URL-safe, because the JS client appends `id=` without encoding it. */
function newId(): string {
  return randomBytes(16).toString('base64url');
}

/** A connection is used only by the user who opened it (or anonymously, when it was opened anonymously). */
function sameUser(connection: ClientConnection, principal: HubPrincipal | undefined): boolean {
  return connection.userId === principal?.userId;
}

const reasons: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

/** Refuses an upgrade with a plain HTTP answer on the raw socket, then closes it. */
export function rejectUpgrade(socket: Duplex, status: number, message: string, extraHeaders = ''): void {
  if (socket.destroyed) return;
  socket.on('error', () => {});
  const body = Buffer.from(message, 'utf8');
  socket.end(
    `HTTP/1.1 ${status} ${reasons[status] ?? 'Error'}\r\nConnection: close\r\n${extraHeaders}Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\n\r\n${message}`,
  );
}
