import { join, resolve } from 'node:path';
import { openDataSource } from '@shop/kit';
import { type PostgresServer, startPostgres } from '@shop/testkit/src/postgres';
import { recommendationEntities } from '../src/infrastructure/entities';
import { recommendationMigrations } from '../src/infrastructure/migrations';
import { storeContract } from './support/store-contract';

const logDir = join(resolve(__dirname, '../../..'), '.tmp/test-logs/recommendations-postgres');
let postgres: PostgresServer | undefined;

storeContract(
  'PostgreSQL',
  async () => {
    postgres = await startPostgres({ logDir });
    const url = await postgres.createDatabase('recommendations');
    return {
      open: () =>
        openDataSource(url, {
          entities: recommendationEntities,
          migrations: recommendationMigrations,
          lockName: 'recommendations',
          poolSize: 10,
        }),
      close: async () => {
        await postgres?.stop();
      },
    };
  },
  { concurrentWriters: true },
);
