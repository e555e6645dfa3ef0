import type { HubLog } from '@shop/signalr';
import type { HubConfig } from '../config';
import { Backplane } from './backplane';
import type { BackplaneTransport } from './backplane-transport';
import { InProcessBackplaneNetwork } from './in-process-backplane';
import { connectRedisBackplane } from './redis-backplane';

/**
 * The backplane the configuration asks for: Redis when HUB_REDIS_HOST names one (several replicas), otherwise this
 * process alone (the embedded topology, a single replica).
 */
export async function createBackplane(
  config: Pick<
    HubConfig,
    'HUB_REDIS_HOST' | 'HUB_REDIS_PASSWORD' | 'HUB_REDIS_TLS' | 'HUB_BACKPLANE_PREFIX' | 'HUB_BACKPLANE_TIMEOUT_MS'
  >,
  log: HubLog,
  given?: BackplaneTransport,
): Promise<Backplane> {
  const transport = given
    ? given
    : config.HUB_REDIS_HOST
      ? await connectRedisBackplane({
          host: config.HUB_REDIS_HOST,
          prefix: config.HUB_BACKPLANE_PREFIX,
          ...(config.HUB_REDIS_PASSWORD ? { password: config.HUB_REDIS_PASSWORD } : {}),
          tls: config.HUB_REDIS_TLS,
        })
      : new InProcessBackplaneNetwork().join();
  return new Backplane(transport, {
    prefix: config.HUB_BACKPLANE_PREFIX,
    log,
    askTimeoutMs: config.HUB_BACKPLANE_TIMEOUT_MS,
  });
}
