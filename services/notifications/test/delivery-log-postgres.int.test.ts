import { join, resolve } from 'node:path';
import { openDataSource } from '@shop/kit';
import { type PostgresServer, startPostgres } from '@shop/testkit/src/postgres';
import { notificationsEntities } from '../src/infrastructure/entities';
import { notificationsMigrations } from '../src/infrastructure/migrations';
import { deliveryLogContract } from './support/delivery-log-contract';

const logDir = join(resolve(__dirname, '../../..'), '.tmp/test-logs/notifications-postgres');
let postgres: PostgresServer | undefined;

deliveryLogContract('PostgreSQL', async () => {
  postgres = await startPostgres({ logDir });
  const url = await postgres.createDatabase('notifications');
  const dataSource = await openDataSource(url, {
    entities: notificationsEntities,
    migrations: notificationsMigrations,
    lockName: 'notifications',
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
