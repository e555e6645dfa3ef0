import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { kitMigrations, type RunningServer, runService } from '@shop/kit';
import { type PostgresServer, startPostgres } from '@shop/testkit/src/postgres';
import { DataSource } from 'typeorm';
import { inventoryMigrations } from '../src/infrastructure/migrations';
import { inventoryService } from '../src/service';

const logDir = join(resolve(__dirname, '../../..'), '.tmp/test-logs/inventory-replicas');
const meshToken = 'replica-test-token-0123456789abcdef';

let pg: PostgresServer;
beforeAll(async () => {
  pg = await startPostgres({ logDir });
}, 60_000);
afterAll(() => pg?.stop());

/** A replica as its pod runs it: runService with DATABASE_URL; no sidecar is needed to start and listen. */
const startReplica = (databaseUrl: string) =>
  runService(inventoryService, {
    handleSignals: false,
    env: {
      APP_PORT: '0',
      DATABASE_URL: databaseUrl,
      JWKS_URL: 'http://127.0.0.1:9/jwks',
      APP_API_TOKEN: meshToken,
      DAPR_API_TOKEN: meshToken,
      DAPR_HTTP_PORT: '9',
      LOG_LEVEL: 'fatal',
    },
  });

describe('inventory replicas on one fresh PostgreSQL database', () => {
  it('start at the same moment, both come up, and every migration ran exactly once', async () => {
    const databaseUrl = await pg.createDatabase(`inventory_${randomUUID().slice(0, 8)}`);
    const started = await Promise.allSettled([startReplica(databaseUrl), startReplica(databaseUrl)]);
    const replicas = started.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    try {
      expect(started.map((outcome) => (outcome.status === 'rejected' ? String(outcome.reason) : 'up'))).toEqual([
        'up',
        'up',
      ]);
      for (const replica of replicas as RunningServer[]) {
        expect((await fetch(`http://127.0.0.1:${replica.port}/healthz`)).status).toBe(200);
      }
      const db = new DataSource({ type: 'postgres', url: databaseUrl });
      await db.initialize();
      try {
        const rows: Array<{ name: string; times: number }> = await db.query(
          'SELECT name, count(*)::int AS times FROM migrations GROUP BY name ORDER BY name',
        );
        const expected = [...kitMigrations, ...inventoryMigrations].map((migration) => new migration().name);
        expect(rows).toEqual(expected.sort().map((name) => ({ name, times: 1 })));
      } finally {
        await db.destroy();
      }
    } finally {
      await Promise.all(replicas.map((replica) => replica.shutdown()));
    }
  }, 60_000);
});
