import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { startPostgres } from '@shop/testkit/src/postgres';
import { describeDeadLetterStore } from './support/dead-letter-contract';
import { describeKeysetPages } from './support/keyset-contract';
import { describeRelationalData } from './support/relational-contract';
import { openWidgets } from './support/widgets';

const logDir = join(resolve(__dirname, '../../../..'), '.tmp/test-logs/postgres-data');

describeRelationalData('PostgreSQL', () => startPostgres({ logDir }));

describeKeysetPages('PostgreSQL', async () => {
  const pg = await startPostgres({ logDir });
  return { url: await pg.createDatabase(`keyset_${randomUUID().slice(0, 8)}`), stop: () => pg.stop() };
});

describeDeadLetterStore('PostgreSQL', async () => {
  const pg = await startPostgres({ logDir });
  return { url: await pg.createDatabase(`dead_letters_${randomUUID().slice(0, 8)}`), stop: () => pg.stop() };
});

describe('kit schema on PostgreSQL', () => {
  it('creates the kit tables with PostgreSQL types', async () => {
    const pg = await startPostgres({ logDir });
    try {
      const db = await openWidgets(await pg.createDatabase(`schema_${randomUUID().slice(0, 8)}`));
      expect(await db.query('SELECT count(*)::int AS n FROM migrations')).toEqual([{ n: 6 }]);
      const columns = await db.query(
        `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'outbox_events' ORDER BY ordinal_position`,
      );
      expect(columns).toEqual(
        expect.arrayContaining([
          { column_name: 'seq', data_type: 'bigint' },
          { column_name: 'payload', data_type: 'text' },
          { column_name: 'occurred_at', data_type: 'timestamp with time zone' },
          { column_name: 'traceparent', data_type: 'character varying' },
        ]),
      );
      await db.destroy();
    } finally {
      await pg.stop();
    }
  }, 60_000);
});
