import { createLogger } from '@shop/kit';
import { type DaprTopology, startDaprTopology } from '@shop/testkit/src/dapr-topology';
import { freePort } from '@shop/testkit/src/free-port';
import { quickPasswordHashing } from '@shop/testkit/src/quick-passwords';
import { type RunningGateway, serveGateway } from '../../../services/edge/src/serve-gateway';
import { services } from '../../../services/edge/src/services';

export interface DaprPlatform {
  topology: DaprTopology;
  baseUrl: string;
  stop(): Promise<void>;
}

/**
 * The whole platform in the Dapr topology (each service its own process beside its own daprd, on real
 * Redis and PostgreSQL) behind the gateway, as `npm run start:dapr` runs it, with every process in the test's
 * hands. The black-box helpers of tests/e2e talk to it through E2E_BASE_URL.
 */
export async function startDaprPlatform(
  env: NodeJS.ProcessEnv = {},
  options: {
    /** Processes per service where more than one (e.g. `{ hub: 2 }`); the gateway routes to the first. */
    replicas?: Record<string, number>;
    /** Extra environment for every daprd. */
    sidecarEnv?: Record<string, string>;
    /** Services left out (e.g. `fraud`, to prove what the others do without it). */
    without?: string[];
    /** Keep Redis's append-only file, so that a Redis killed and restarted comes back with its streams. */
    redisAppendOnly?: boolean;
  } = {},
): Promise<DaprPlatform> {
  const port = await freePort();
  const topology = await startDaprTopology({
    services: services
      .filter((service) => !options.without?.includes(service.name))
      .map((service) => ({ ...service, replicas: options.replicas?.[service.name] ?? 1 })),
    jwksUrl: `http://127.0.0.1:${port}/api/auth/jwks`,
    env: { LOG_LEVEL: 'warn', ...quickPasswordHashing, ...env },
    sidecarEnv: options.sidecarEnv,
    redisAppendOnly: options.redisAppendOnly,
    runBundles: true,
    // SHOP_KEEP_RUN_DIR=1 keeps every process's log for a look after the run.
    keepRunDir: process.env.SHOP_KEEP_RUN_DIR === '1',
  });
  let gateway: RunningGateway;
  try {
    gateway = await serveGateway({
      routes: topology.routes,
      host: '127.0.0.1',
      port,
      log: createLogger({ name: 'system-test', level: 'fatal' }),
      graceMs: 1_000,
      handleSignals: false,
    });
  } catch (error) {
    await topology.stop();
    throw error;
  }
  process.env.E2E_BASE_URL = gateway.url;
  return {
    topology,
    baseUrl: gateway.url,
    async stop() {
      await gateway.shutdown();
      await topology.stop();
    },
  };
}
