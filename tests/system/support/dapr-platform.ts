import { join, resolve } from 'node:path';
import { createLogger } from '@shop/kit';
import { type DaprTopology, startDaprTopology } from '@shop/testkit/src/dapr-topology';
import { freePort, waitForPort } from '@shop/testkit/src/free-port';
import { spawnManaged } from '@shop/testkit/src/managed-process';
import { quickPasswordHashing } from '@shop/testkit/src/quick-passwords';
import { upstreamVariable } from '../../../services/edge/src/gateway-config';
import { serveGateway } from '../../../services/edge/src/serve-gateway';
import { services } from '../../../services/edge/src/services';

const repoRoot = resolve(__dirname, '../../..');

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
    /**
     * Run the gateway as a process of its own (services/edge/src/gateway-main.ts, as deployed) with this extra
     * environment, rather than in the test's process: a gateway whose spans are exported needs the kit loaded
     * under tracing, which the test's process is not.
     */
    gatewayProcessEnv?: Record<string, string>;
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
  let gateway: { url: string; shutdown(): Promise<void> };
  try {
    gateway = options.gatewayProcessEnv
      ? await gatewayProcess(topology, port, options.gatewayProcessEnv)
      : await serveGateway({
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

/** The gateway's own process in front of the topology's services (their addresses as UPSTREAM_<SERVICE>). */
async function gatewayProcess(topology: DaprTopology, port: number, env: Record<string, string>) {
  const upstreams = Object.fromEntries(topology.routes.map((route) => [upstreamVariable(route.service), route.target]));
  const gateway = spawnManaged('gateway', process.execPath, {
    args: ['--import', 'tsx', join(repoRoot, 'services/edge/src/gateway-main.ts')],
    cwd: repoRoot,
    logDir: topology.run.logDir,
    env: { ...process.env, ...upstreams, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...env },
  });
  try {
    await waitForPort(port, 60_000);
  } catch (error) {
    await gateway.stop();
    throw new Error(`the gateway did not listen: ${(error as Error).message}\n${gateway.tail()}`);
  }
  return { url: `http://127.0.0.1:${port}`, shutdown: () => gateway.stop() };
}
