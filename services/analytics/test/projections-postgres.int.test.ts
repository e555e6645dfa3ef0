import { join, resolve } from 'node:path';
import { openDataSource } from '@shop/kit';
import { type PostgresServer, startPostgres } from '@shop/testkit/src/postgres';
import { analyticsEntities } from '../src/infrastructure/entities';
import { analyticsMigrations } from '../src/infrastructure/migrations';
import { projectionContract } from './support/projection-contract';

const logDir = join(resolve(__dirname, '../../..'), '.tmp/test-logs/analytics-postgres');
let postgres: PostgresServer | undefined;

projectionContract('PostgreSQL', async () => {
  postgres = await startPostgres({ logDir });
  const url = await postgres.createDatabase('analytics');
  const dataSource = await openDataSource(url, {
    entities: analyticsEntities,
    migrations: analyticsMigrations,
    lockName: 'analytics',
    poolSize: 10,
  });
  return {
    dataSource,
    async close() {
      await dataSource.destroy();
      await postgres?.stop();
    },
  };
});
