import { readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { bodyParser } from '@koa/bodyparser';
import {
  freePort,
  prepareDaprRunDir,
  projectComponentsDir,
  type RunningDaprd,
  type RunningRedis,
  startRedis,
  startSidecar,
} from '@shop/testkit';
import Koa from 'koa';
import inject from 'light-my-request';
import { parse, stringify } from 'yaml';
import { createLogger } from '../../src/log/logger';
import { createDaprMesh } from '../../src/mesh/dapr';
import { daprAppRoutes } from '../../src/mesh/dapr-app-routes';
import type { Mesh, Subscription } from '../../src/mesh/port';
import { type ContractApp, meshContract } from './mesh-contract';

// The project's own components/resiliency.yaml, with one change: its pubsub redelivery (about 4 minutes, to
// outlast an app restart) is cut to 3 retries capped at 2 s, so the dead-letter case ends within a test. The
// contract is what the adapter does with the policy (retry, then dead letter), not the policy's length.
const resiliencyFile = readFileSync(join(projectComponentsDir, 'resiliency.yaml'), 'utf8');
const resiliency = parse(resiliencyFile) as {
  spec: { policies: { retries: Record<string, { maxRetries: number; maxInterval?: string }> } };
};
const shortRedelivery = { policy: 'exponential', maxInterval: '2s', maxRetries: 3 };
resiliency.spec.policies.retries.pubsubInbound = shortRedelivery;
const deliveryAttempts = 1 + shortRedelivery.maxRetries;
const invokeAttemptsOn5xx = 1 + (resiliency.spec.policies.retries.DefaultAppRetryPolicy?.maxRetries ?? Number.NaN);

const quiet = createLogger({ name: 'dapr-mesh-test', level: 'fatal' });

meshContract('Dapr', {
  deliveryAttempts,
  invokeAttemptsOn5xx,
  // Exponential retries (0.5 s x1.5 with jitter, capped at 2 s, 3 of them) take about 3 s before the dead letter.
  deliveryTimeoutMs: 15_000,
  quietPeriodMs: 1_000,
  startTimeoutMs: 45_000,
  async start(apps) {
    const run = prepareDaprRunDir({ testAppIds: apps.map((app) => app.appId) });
    writeFileSync(join(run.resourcesPath, 'resiliency.yaml'), stringify(resiliency));
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
          const sidecar = await startSidecar(run, (redis as RunningRedis).url, app.appId, appPort);
          sidecars.push(sidecar);
          await sidecar.waitForSubscriptions(app.subscriptions.map((s) => s.topic));
          return [
            app.appId,
            createDaprMesh({
              appId: app.appId,
              daprHttpPort: sidecar.httpPort,
              daprApiToken: sidecar.daprApiToken,
              logger: quiet,
            }),
          ] as const;
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

describe('the routes daprd calls on an app', () => {
  const cloudEvent = (data: unknown) => ({
    specversion: '1.0',
    id: 'ce-1',
    source: 'alpha',
    type: 'com.dapr.event.sent',
    datacontenttype: 'application/json',
    topic: 'orders',
    pubsubname: 'pubsub',
    data,
  });
  const envelope = {
    id: 'e-1',
    type: 'orders.placed',
    occurredAt: '2026-01-01T00:00:00.000Z',
    data: { orderId: 'o-1' },
  };

  function appWith(handle: Subscription['handle'], cloudEventsParsedByApp = false, logger = quiet) {
    const subscriptions: Subscription[] = [
      { topic: 'orders', handle },
      { topic: 'deadletter.beta', handle: async () => 'success' },
    ];
    const parser = cloudEventsParsedByApp
      ? bodyParser({ extendTypes: { json: ['application/cloudevents+json'] } })
      : bodyParser();
    const routes = daprAppRoutes({ appId: 'beta', subscriptions, logger });
    return new Koa().use(parser).use(routes.routes()).callback();
  }
  const post = (listener: ReturnType<typeof appWith>, body: unknown) =>
    inject(listener, {
      method: 'POST',
      url: '/dapr/events/orders',
      headers: { 'content-type': 'application/cloudevents+json' },
      payload: JSON.stringify(body),
    });

  it('lists each topic with its route and the app’s dead-letter topic, and the dead-letter topic without one', async () => {
    const response = await inject(
      appWith(async () => 'success'),
      { method: 'GET', url: '/dapr/subscribe' },
    );
    expect(response.json()).toEqual([
      { pubsubname: 'pubsub', topic: 'orders', route: '/dapr/events/orders', deadLetterTopic: 'deadletter.beta' },
      { pubsubname: 'pubsub', topic: 'deadletter.beta', route: '/dapr/events/deadletter.beta' },
    ]);
  });

  it('hands the event envelope from the CloudEvent data to the handler and answers SUCCESS', async () => {
    const received: unknown[] = [];
    const response = await post(
      appWith(async (event) => {
        received.push(event);
        return undefined;
      }),
      cloudEvent(envelope),
    );
    expect(response.json()).toEqual({ status: 'SUCCESS' });
    expect(received).toEqual([envelope]);
  });

  it('reads the CloudEvent also when the app’s body parser already parsed it', async () => {
    const response = await post(
      appWith(async () => 'success', true),
      cloudEvent(envelope),
    );
    expect(response.json()).toEqual({ status: 'SUCCESS' });
  });

  it('answers RETRY when the handler throws', async () => {
    const response = await post(
      appWith(async () => {
        throw new Error('database down');
      }),
      cloudEvent(envelope),
    );
    expect(response.json()).toEqual({ status: 'RETRY' });
  });

  it('answers DROP for an event whose data is not an event envelope, logs it, and skips the handler', async () => {
    const lines: string[] = [];
    const logger = createLogger({
      name: 'routes',
      level: 'warn',
      stream: new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    });
    const handle = jest.fn(async () => 'success' as const);
    const response = await post(appWith(handle, false, logger), cloudEvent({ orderId: 'o-1' }));
    expect(response.json()).toEqual({ status: 'DROP' });
    expect(handle).not.toHaveBeenCalled();
    expect(lines.join('')).toMatch(/not an event envelope/);
  });
});
