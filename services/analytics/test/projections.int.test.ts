import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDataSource } from '@shop/kit';
import { analyticsEntities } from '../src/infrastructure/entities';
import { analyticsMigrations } from '../src/infrastructure/migrations';
import { projectionContract } from './support/projection-contract';

projectionContract('SQLite', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'analytics-')), 'analytics.sqlite');
  const dataSource = await openDataSource(`sqlite:${file}`, {
    entities: analyticsEntities,
    migrations: analyticsMigrations,
    lockName: 'analytics',
  });
  return { dataSource, close: () => dataSource.destroy() };
});
