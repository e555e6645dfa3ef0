import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDataSource } from '@shop/kit';
import { notificationsEntities } from '../src/infrastructure/entities';
import { notificationsMigrations } from '../src/infrastructure/migrations';
import { deliveryLogContract } from './support/delivery-log-contract';

deliveryLogContract('SQLite', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'notifications-')), 'notifications.sqlite');
  const dataSource = await openDataSource(`sqlite:${file}`, {
    entities: notificationsEntities,
    migrations: notificationsMigrations,
    lockName: 'notifications',
  });
  return { dataSource, close: () => dataSource.destroy() };
});
