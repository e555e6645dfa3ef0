import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { refuse } from './http-answers';
import { HttpExchange } from './http-exchange';
import { HubEndpoint, type HubEndpointOptions, rejectUpgrade } from './hub-endpoint';
import type { HubLog } from './hub-log';
import type { HubMetrics } from './hub-metrics';
import { defaultHubServerOptions, type HubServerOptions } from './hub-server-options';
import type { HubProtocol } from './protocol/hub-protocol';
import { jsonHubProtocol } from './protocol/json-hub-protocol';
import { messagePackHubProtocol } from './protocol/messagepack-hub-protocol';

export interface HubServerSettings {
  log: HubLog;
  /** Where connection counts, message counts and send times are reported; nowhere when omitted. */
  metrics?: HubMetrics;
  options?: Partial<HubServerOptions>;
  /** Hub protocols offered; JSON and MessagePack by default. */
  protocols?: HubProtocol[];
}

/**
 * An ASP.NET Core SignalR protocol server: hubs mapped to paths, their HTTP requests (negotiate, server-sent
 * events, long polling) and WebSocket upgrades taken from node:http, and one heartbeat that drives every
 * connection's keep-alive and timeouts.
 */
export class HubServer {
  readonly options: HubServerOptions;
  /** Mapped endpoints by keyOf(path). */
  private readonly endpoints = new Map<string, HubEndpoint>();
  private readonly all: HubEndpoint[] = [];
  private readonly protocols: ReadonlyMap<string, HubProtocol>;
  private readonly metrics: HubMetrics | undefined;
  private readonly webSockets: WebSocketServer;
  private readonly clock = { now: Date.now() };
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(private readonly settings: HubServerSettings) {
    this.options = { ...defaultHubServerOptions, ...settings.options };
    const protocols = settings.protocols ?? [jsonHubProtocol, messagePackHubProtocol];
    this.protocols = new Map(protocols.map((protocol) => [protocol.name, protocol]));
    this.metrics = settings.metrics;
    // Compression stays off: a deflated frame cannot be shared between connections, and it costs 5-6x (ws#1202).
    this.webSockets = new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      clientTracking: false,
      maxPayload: this.options.maxRequestBytes,
    });
  }

  /** Serves `hub` at `path` (negotiate at `<path>/negotiate`). */
  mapHub(path: string, endpoint: HubEndpointOptions): HubEndpoint {
    const normalized = withoutTrailingSlash(path);
    if (this.endpoints.has(keyOf(normalized))) throw new Error(`a hub is already mapped at ${normalized}`);
    const mapped = this.hubEndpoint(normalized, endpoint);
    this.endpoints.set(keyOf(normalized), mapped);
    return mapped;
  }

  /**
   * An endpoint the caller routes to itself (e.g. by a `?hub=` query), with its own authentication; pass another
   * endpoint's lifetime manager so that both reach the same connections, groups and users. Driven by this server's
   * heartbeat and drained with it.
   */
  hubEndpoint(path: string, endpoint: HubEndpointOptions): HubEndpoint {
    const created = new HubEndpoint(
      path,
      endpoint,
      this.options,
      this.protocols,
      this.metrics,
      this.settings.log,
      this.clock,
    );
    this.all.push(created);
    this.metrics?.track(created.stats);
    return created;
  }

  endpoint(path: string): HubEndpoint | undefined {
    return this.endpoints.get(keyOf(path));
  }

  /** The request paths of every mapped hub: `<path>/negotiate`, `<path>` and `<path>/`. */
  httpPaths(): string[] {
    return [...this.endpoints.values()].flatMap(({ path }) => [`${path}/negotiate`, path, `${path}/`]);
  }

  /**
   * Answers a request to a mapped hub (negotiate, server-sent events, long polling) and resolves true once the
   * response is complete; resolves false, leaving the response untouched, for any other path. The request body
   * must be unread: the transports read the protocol bytes themselves.
   */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const exchange = new HttpExchange(req, res);
    const path = withoutTrailingSlash(exchange.path).toLowerCase();
    const negotiates = path.endsWith(negotiateSuffix);
    const endpoint = this.endpoints.get(keyOf(negotiates ? path.slice(0, -negotiateSuffix.length) : path));
    if (!endpoint) return false;
    await this.serve(exchange, endpoint, negotiates ? 'negotiate' : 'transport');
    return true;
  }

  /** Answers a request for `endpoint` routed by the caller (e.g. by a `?hub=` query), as `handle` does. */
  async serve(exchange: HttpExchange, endpoint: HubEndpoint, request: 'negotiate' | 'transport'): Promise<void> {
    try {
      if (request === 'negotiate') await endpoint.negotiate(exchange);
      else await endpoint.transportRequest(exchange);
    } catch (error) {
      // Whatever failed stays in the log; the client learns only that the server failed.
      this.settings.log.error({ err: error, path: exchange.path }, 'hub request failed');
      if (!exchange.answered) refuse(exchange, 500, 'An unexpected error occurred.');
      else exchange.res.destroy();
    }
  }

  /** Takes a WebSocket upgrade request for a mapped hub (or for `to`); anything else is refused with 404. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, to?: HubEndpoint): void {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://hub');
    } catch {
      rejectUpgrade(socket, 400, 'Malformed request target');
      return;
    }
    const endpoint = to ?? this.endpoints.get(keyOf(url.pathname));
    if (!endpoint) {
      rejectUpgrade(socket, 404, `No hub at ${url.pathname}`);
      return;
    }
    endpoint.upgrade(req, socket, head, url, this.webSockets).catch((error: unknown) => {
      this.settings.log.error({ err: error, path: url.pathname }, 'websocket upgrade failed');
      socket.destroy();
    });
  }

  start(): void {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => this.tick(), heartbeatIntervalMs(this.options));
    this.heartbeat.unref();
  }

  /** Closes every connection, telling clients to reconnect: a restart or scale-in must not strand them. */
  drain(): void {
    for (const endpoint of this.all) endpoint.closeAll({ allowReconnect: true });
  }

  async stop(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    this.drain();
    for (const endpoint of this.all) this.metrics?.untrack(endpoint.stats);
    await new Promise<void>((resolve) => this.webSockets.close(() => resolve()));
  }

  private tick(): void {
    const now = Date.now();
    this.clock.now = now;
    for (const endpoint of this.all) endpoint.heartbeat(now);
  }
}

/** A quarter of the shortest timeout, at most a second (ASP.NET Core's heartbeat), so tests may shorten them all. */
function heartbeatIntervalMs(options: HubServerOptions): number {
  const shortest = Math.min(
    options.keepAliveIntervalMs,
    options.clientTimeoutMs,
    options.handshakeTimeoutMs,
    options.disconnectTimeoutMs,
  );
  return Math.max(10, Math.min(1_000, Math.floor(shortest / 4)));
}

const negotiateSuffix = '/negotiate';

/** Hub paths match case-insensitively, as ASP.NET Core routes them, with or without a trailing slash. */
function keyOf(path: string): string {
  return withoutTrailingSlash(path).toLowerCase();
}

function withoutTrailingSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}
