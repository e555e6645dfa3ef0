import { bodyParser } from '@koa/bodyparser';
import Koa from 'koa';
import { createLogger } from '../../src/log/logger';
import { EmbeddedBus } from '../../src/mesh/embedded';
import { meshContract } from './mesh-contract';

const retry = { maxAttempts: 4, initialBackoffMs: 10, maxBackoffMs: 40 };
const invokeRetry = { maxRetries: 2, intervalMs: 5 };

meshContract('embedded', {
  deliveryAttempts: retry.maxAttempts,
  invokeAttemptsOn5xx: invokeRetry.maxRetries + 1,
  deliveryTimeoutMs: 2_000,
  quietPeriodMs: 50,
  async start(apps) {
    const bus = new EmbeddedBus({
      retry,
      invokeRetry,
      logger: createLogger({ name: 'embedded-mesh', level: 'fatal' }),
    });
    for (const app of apps) {
      const http = new Koa().use(bodyParser()).use(app.routes.routes()).use(app.routes.allowedMethods());
      bus.register(app.appId, { listener: http.callback(), subscriptions: app.subscriptions });
    }
    return { meshOf: (appId) => bus.meshFor(appId), stop: () => bus.close() };
  },
});
