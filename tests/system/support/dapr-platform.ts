import { createLogger, createMetricsRegistry, type HealthState, type RunningServer, serve } from '@shop/kit';
import { type DaprTopology, startDaprTopology } from '@shop/testkit/src/dapr-topology';
import { freePort } from '@shop/testkit/src/free-port';
import { createGateway } from '../../../services/edge/src/gateway';
import { services } from '../../../services/edge/src/services';

export interface DaprPlatform {
  topology: DaprTopology;
  baseUrl: string;
  stop(): Promise<void>;
}

/**
 * The whole platform in the Dapr topology (each service its own process beside its own daprd, on real
 * Redis and PostgreSQL) behind the gateway, with every process in the test's hands. The black-box helpers
 * of tests/e2e talk to it through E2E_BASE_URL.
 */
export async function startDaprPlatform(env: NodeJS.ProcessEnv = {}): Promise<DaprPlatform> {
  const port = await freePort();
  const log = createLogger({ name: 'system-test', level: 'fatal' });
  const topology = await startDaprTopology({
    services,
    jwksUrl: `http://127.0.0.1:${port}/api/auth/jwks`,
    env: { LOG_LEVEL: 'warn', ...env },
    // SHOP_KEEP_RUN_DIR=1 keeps every process's log for a look after the run.
    keepRunDir: process.env.SHOP_KEEP_RUN_DIR === '1',
  });
  let server: RunningServer | undefined;
  try {
    const health: HealthState = { accepting: true };
    const gateway = createGateway({
      routes: topology.routes,
      log,
      metrics: createMetricsRegistry({ service: 'edge' }),
      health,
    });
    server = await serve(gateway.app, {
      host: '127.0.0.1',
      port,
      log,
      health,
      graceMs: 1_000,
      closers: [],
      handleSignals: false,
    });
    gateway.attach(server.server);
  } catch (error) {
    await topology.stop();
    throw error;
  }
  const baseUrl = `http://127.0.0.1:${port}`;
  process.env.E2E_BASE_URL = baseUrl;
  return {
    topology,
    baseUrl,
    async stop() {
      await server?.shutdown();
      await topology.stop();
    },
  };
}
