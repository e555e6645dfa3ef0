import type { Server } from 'node:http';
import { bodyParser } from '@koa/bodyparser';
import { freePort, prepareDaprRunDir, type RunningDaprd, type RunningRedis, startDaprd, startRedis } from '@shop/testkit';
import Koa from 'koa';
import { createLogger } from '../../src/log/logger';
import { createDaprMesh } from '../../src/mesh/dapr';
import { daprAppRoutes } from '../../src/mesh/dapr-app-routes';
import type { Mesh } from '../../src/mesh/port';
import { type ContractApp, meshContract } from './mesh-contract';

// components/resiliency.yaml: pubsubInbound has maxRetries 3, DefaultAppRetryPolicy retries a 5xx twice.
const deliveryAttempts = 1 + 3;
const invokeAttemptsOn5xx = 1 + 2;

const quiet = createLogger({ name: 'dapr-mesh-test', level: 'fatal' });

meshContract('Dapr', {
  deliveryAttempts,
  invokeAttemptsOn5xx,
  // Exponential retries (0.5 s x1.5 with jitter, capped at 2 s) take about 3 s before the dead letter.
  deliveryTimeoutMs: 15_000,
  quietPeriodMs: 1_000,
  startTimeoutMs: 45_000,
  async start(apps) {
    const run = prepareDaprRunDir();
    const servers: Server[] = [];
    const sidecars: RunningDaprd[] = [];
    let redis: RunningRedis | undefined;
    const stop = async () => {
      await Promise.all(sidecars.map((sidecar) => sidecar.stop()));
      for (const server of servers) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
      await redis?.stop();
      run.remove();
    };
    try {
      redis = await startRedis({ logDir: run.logDir });
      const started = await Promise.all(
        apps.map(async (app) => {
          const appPort = await listen(app, servers);
          const sidecar = await startDaprd({
            appId: app.appId,
            appPort,
            resourcesPath: run.resourcesPath,
            configPath: run.configPath,
            redisHost: (redis as RunningRedis).url,
            logDir: run.logDir,
          });
          sidecars.push(sidecar);
          await sidecar.waitForSubscriptions(app.subscriptions.map((s) => s.topic));
          return [app.appId, createDaprMesh({ appId: app.appId, daprHttpPort: sidecar.httpPort, logger: quiet })] as const;
        }),
      );
      const meshes = new Map<string, Mesh>(started);
      return {
        meshOf: (appId) => {
          const mesh = meshes.get(appId);
          if (!mesh) throw new Error(`no sidecar for ${appId}`);
          return mesh;
        },
        stop,
      };
    } catch (error) {
      await stop();
      throw error;
    }
  },
});

/** The app side daprd talks to: the subscription routes, then the app's own routes, as a service mounts them. */
async function listen(app: ContractApp, servers: Server[]): Promise<number> {
  const http = new Koa()
    .use(bodyParser())
    .use(daprAppRoutes({ appId: app.appId, subscriptions: app.subscriptions, logger: quiet }).routes())
    .use(app.routes.routes())
    .use(app.routes.allowedMethods());
  const port = await freePort();
  const server = http.listen(port, '127.0.0.1');
  servers.push(server);
  await new Promise((resolve, reject) => server.once('listening', resolve).once('error', reject));
  return port;
}
