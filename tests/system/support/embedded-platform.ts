import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EventEnvelope, topics } from '@shop/contracts';
import { type EmbeddedOptions, type EmbeddedPlatform, runEmbedded, type ServiceManifest } from '@shop/kit';
import { quickPasswordHashing } from '@shop/testkit/src/quick-passwords';

export interface SystemEmbeddedPlatform {
  platform: EmbeddedPlatform;
  /**
   * Every event published on the bus, as a subscriber of every topic receives it (whatever published it: a relay);
   * only with `recordPublished`.
   */
  published: Array<{ topic: string; event: EventEnvelope }>;
  /** The distinct events (by id) published on a topic about one order (with `recordPublished`). */
  eventsAbout(orderId: string, topic: string): EventEnvelope[];
  stop(): Promise<void>;
}

/**
 * The whole platform (or the services given) in the embedded topology, in this process, on a free loopback port with
 * fresh data, quiet, and quick to hash passwords; the black-box helpers of tests/e2e talk to it (E2E_BASE_URL).
 */
export async function startEmbeddedPlatform(
  manifests: ServiceManifest[],
  options: {
    /** Names the data folder, for a look after a failed run. */
    name: string;
    env?: Record<string, string>;
    wrapMesh?: EmbeddedOptions['wrapMesh'];
    /** Subscribes an app `recorder` to every topic, which keeps what it receives in `published`. */
    recordPublished?: boolean;
  },
): Promise<SystemEmbeddedPlatform> {
  const dataDir = mkdtempSync(join(tmpdir(), `shop-${options.name}-`));
  const removeData = () => rmSync(dataDir, { recursive: true, force: true });
  const platform = await runEmbedded(manifests, {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      SHOP_DATA_DIR: dataDir,
      LOG_LEVEL: 'fatal',
      ...quickPasswordHashing,
      ...options.env,
    },
    ...(options.wrapMesh ? { wrapMesh: options.wrapMesh } : {}),
  }).catch((error: unknown) => {
    removeData();
    throw error;
  });
  const published: SystemEmbeddedPlatform['published'] = [];
  if (options.recordPublished) {
    platform.bus.register('recorder', {
      subscriptions: Object.values(topics).map((topic) => ({
        topic,
        async handle(event: EventEnvelope) {
          published.push({ topic, event });
          return 'success' as const;
        },
      })),
    });
  }
  process.env.E2E_BASE_URL = platform.url;
  return {
    platform,
    published,
    eventsAbout(orderId, topic) {
      const byId = new Map<string, EventEnvelope>();
      for (const entry of published) {
        if (entry.topic === topic && (entry.event.data as { orderId?: string }).orderId === orderId) {
          byId.set(entry.event.id, entry.event);
        }
      }
      return [...byId.values()];
    },
    async stop() {
      await platform.shutdown();
      removeData();
    },
  };
}
