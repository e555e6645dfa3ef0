import type { Server } from 'node:http';
import { bodyParser } from '@koa/bodyparser';
import { createDaprMesh, createLogger, daprAppRoutes, EmbeddedBus } from '@shop/kit';
import {
  freePort,
  prepareDaprRunDir,
  type RunningDaprd,
  type RunningRedis,
  startRedis,
  startSidecar,
} from '@shop/testkit';
import Koa from 'koa';
import { cartStoreContract } from './support/cart-store-contract';

const quiet = createLogger({ name: 'cart-store-test', level: 'fatal' });

// The embedded topology: one in-process store per app, which both replicas of one process share.
cartStoreContract('embedded', async () => {
  const bus = new EmbeddedBus({ logger: quiet });
  return { replicas: [bus.meshFor('cart').state, bus.meshFor('cart').state], stop: async () => {} };
});

// The Dapr topology: state.redis (the project's components/statestore.yaml) through two real daprd sidecars of
// app `cart`, as two replicas of the service have, on one Redis.
cartStoreContract(
  'Dapr (state.redis, two sidecars)',
  async () => {
    const run = prepareDaprRunDir();
    const sidecars: RunningDaprd[] = [];
    const servers: Server[] = [];
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
        [0, 1].map(async () => {
          // daprd waits for its app's port before it serves; the app answers its subscription list (none).
          const app = new Koa()
            .use(bodyParser())
            .use(daprAppRoutes({ appId: 'cart', subscriptions: [], logger: quiet }).routes());
          const appPort = await freePort();
          const server = app.listen(appPort, '127.0.0.1');
          servers.push(server);
          const sidecar = await startSidecar(run, (redis as RunningRedis).url, 'cart', appPort);
          sidecars.push(sidecar);
          return createDaprMesh({
            appId: 'cart',
            daprHttpPort: sidecar.httpPort,
            daprApiToken: sidecar.daprApiToken,
            logger: quiet,
          }).state;
        }),
      );
      const [first, second] = started;
      if (!first || !second) throw new Error('the sidecars did not start');
      return { replicas: [first, second], stop };
    } catch (error) {
      await stop();
      throw error;
    }
  },
  90_000,
);
