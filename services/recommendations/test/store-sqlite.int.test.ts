import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDataSource } from '@shop/kit';
import { recommendationEntities } from '../src/infrastructure/entities';
import { recommendationMigrations } from '../src/infrastructure/migrations';
import { storeContract } from './support/store-contract';

storeContract(
  'SQLite',
  async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'recommendations-')), 'recommendations.sqlite');
    return {
      open: () =>
        openDataSource(`sqlite:${file}`, {
          entities: recommendationEntities,
          migrations: recommendationMigrations,
          lockName: 'recommendations',
        }),
      close: async () => {},
    };
  },
  { concurrentWriters: false },
);
