import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { createHttpTerminator } from 'http-terminator';
import type Koa from 'koa';
import type { HealthState } from '../http/health';
import { type ProblemDocument, problemContentType, statusTitle } from '../http/problem';
import { checkRequestTarget } from '../http/request-target';
import type { Logger } from '../log/logger';
import { ownsPath } from './http-app';
import type { UpgradeHandler } from './service-manifest';

export interface RunningServer {
  server: Server;
  port: number;
  /** Stops taking requests, lets in-flight ones finish (up to graceMs), then runs the closers in order. */
  shutdown(): Promise<void>;
}

export interface ServeOptions {
  host: string;
  port: number;
  log: Logger;
  health: HealthState;
  graceMs: number;
  /** WebSocket upgrades; without it Node drops every upgrade request's connection. */
  upgrade?: UpgradeHandler;
  /** Run as shutdown begins, before requests drain: they end long-lived connections. */
  drainers?: Array<() => Promise<void> | void>;
  /** Run after the HTTP server closed, in order: background work first, then connections. */
  closers: Array<() => Promise<void>>;
  /** Exit the process on SIGTERM/SIGINT once shut down (true for mains, false in tests). */
  handleSignals: boolean;
}

/** Serves a Koa app, or a listener that wraps one (answerReadyReads). */
export async function serve(app: Koa | RequestListener, options: ServeOptions): Promise<RunningServer> {
  const server = createServer(typeof app === 'function' ? app : app.callback());
  server.on('request', drainUnreadBodies);
  // Keep-alive must outlast the ingress' idle timeout, or it reuses sockets we already closed.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) =>
    answerClientError(error, socket, options.log),
  );
  const upgrade = options.upgrade;
  if (upgrade) {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      // A socket error after the handler let go of it (a reset mid-handshake) must not crash the process.
      socket.on('error', (error) => options.log.debug({ err: error }, 'upgraded socket failed'));
      try {
        upgrade(req, socket, head);
      } catch (error) {
        options.log.error({ err: error, url: req.url }, 'upgrade handler failed');
        socket.destroy();
      }
    });
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const terminator = createHttpTerminator({ server, gracefulTerminationTimeout: options.graceMs });

  let shuttingDown: Promise<void> | undefined;
  const shutdown = () => {
    shuttingDown ??= (async () => {
      options.health.accepting = false;
      for (const drain of options.drainers ?? []) {
        try {
          await drain();
        } catch (error) {
          options.log.error({ err: error }, 'error while ending long-lived connections');
        }
      }
      options.log.info('shutting down: draining requests');
      // A response that ends while draining (a stream the drainers ended) leaves its keep-alive socket open, and
      // the terminator would wait the whole grace period for it: such sockets are closed as soon as they idle.
      const closeIdle = setInterval(() => server.closeIdleConnections(), 25);
      try {
        await terminator.terminate();
      } finally {
        clearInterval(closeIdle);
      }
      for (const close of options.closers) {
        try {
          await close();
        } catch (error) {
          options.log.error({ err: error }, 'error while shutting down');
        }
      }
      options.log.info('shut down');
    })();
    return shuttingDown;
  };

  if (options.handleSignals) {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        void shutdown().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      });
    }
  }
  return { server, port, shutdown };
}

/** How long the rest of a body nobody read may keep arriving after the answer before the connection is cut. */
const unreadBodyLingerMs = 5_000;

/**
 * A request answered before its body was read whole (413 mid-body, a refusal before the body parser) would otherwise
 * sit paused, or be closed with bytes unread, and a close with bytes unread makes the kernel send a reset that
 * can destroy the answer before the client reads it. So the rest is read and dropped, for a bounded time.
 */
function drainUnreadBodies(req: IncomingMessage, res: ServerResponse): void {
  res.once('finish', () => {
    if (req.complete || req.destroyed) return;
    const cut = setTimeout(() => req.socket.destroy(), unreadBodyLingerMs);
    cut.unref();
    req.once('end', () => clearTimeout(cut));
    req.once('close', () => clearTimeout(cut));
    req.resume();
  });
}

/** The status a request Node's parser refused deserves, as Node itself picks it when no listener is attached. */
function clientErrorStatus(code: string | undefined): number {
  if (code === 'HPE_HEADER_OVERFLOW') return 431;
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  return 400;
}

/**
 * A request Node's HTTP parser refused before any app saw it (a header past --max-http-header-size, a malformed
 * request line, a timeout): answered as a problem document like every other error, then the connection closed.
 * Without this listener Node writes a bare status line. A socket that is gone (reset, half-written) is left alone.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex, log: Logger): void {
  log.debug({ err: error, code: error.code }, 'refused a malformed request');
  // A response whose head is already written cannot be followed by ours (Node's own rule).
  const response = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
  const responding = response?.headersSent === true;
  if (error.code === 'ECONNRESET' || !socket.writable || responding) {
    socket.destroy();
    return;
  }
  const status = clientErrorStatus(error.code);
  const document: ProblemDocument = {
    type: 'about:blank',
    title: statusTitle(status),
    status,
    detail:
      status === 431
        ? 'The request headers are too large.'
        : status === 408
          ? 'The request took too long to arrive.'
          : 'The request is not valid HTTP/1.1.',
  };
  const body = JSON.stringify(document);
  socket.end(
    `HTTP/1.1 ${status} ${statusTitle(status)}\r\nContent-Type: ${problemContentType}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Refuses an upgrade on the raw socket (nothing else can answer it) and closes it. */
export function refuseUpgrade(_req: IncomingMessage, socket: Duplex): void {
  if (socket.destroyed) return;
  socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
}

/**
 * Sends each upgrade to the service whose path prefixes own its path (whole segments, as the HTTP routes);
 * an upgrade no service owns is refused with 404.
 */
export function routeUpgrades(routes: Array<{ paths: string[]; upgrade: UpgradeHandler }>): UpgradeHandler {
  return (req, socket, head) => {
    const path = upgradePath(req, socket);
    if (path === undefined) return;
    const route = routes.find((candidate) => candidate.paths.some((prefix) => ownsPath(prefix, path)));
    if (route) route.upgrade(req, socket, head);
    else refuseUpgrade(req, socket);
  };
}

/** The path an upgrade request asks for; a target that is not a path in its one plain form is refused with 400 (undefined). */
export function upgradePath(req: IncomingMessage, socket: Duplex): string | undefined {
  const verdict = checkRequestTarget(req.url);
  if (verdict.ok) return verdict.path;
  if (!socket.destroyed) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  return undefined;
}
