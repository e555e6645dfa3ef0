import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpTerminator } from 'http-terminator';
import type Koa from 'koa';
import type { HealthState } from '../http/health';
import type { Logger } from '../log/logger';

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
  /** Run after the HTTP server closed, in order: background work first, then connections. */
  closers: Array<() => Promise<void>>;
  /** Exit the process on SIGTERM/SIGINT once shut down (true for mains, false in tests). */
  handleSignals: boolean;
}

export async function serve(app: Koa, options: ServeOptions): Promise<RunningServer> {
  const server = createServer(app.callback());
  // Keep-alive must outlast the ingress' idle timeout, or it reuses sockets we already closed.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
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
      options.log.info('shutting down: draining requests');
      await terminator.terminate();
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
