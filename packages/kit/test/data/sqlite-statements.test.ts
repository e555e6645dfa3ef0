import { PassThrough } from 'node:stream';
import { recordStatements } from '@shop/testkit/src/sql-statements';
import { createDataSource, transaction } from '../../src/data';
import { sqliteStatementCacheSize } from '../../src/data/sqlite-statements';
import { createLogger } from '../../src/log/logger';
import { CreateWidgets1732200000000, newWidget, openWidgets, WidgetEntity } from './support/widgets';

describe('SQLite statements', () => {
  it('binds integer parameters, so the same query with another number is the same statement', async () => {
    const db = await openWidgets('sqlite::memory:');
    try {
      const statements = recordStatements(db);
      await transaction(db, async (tx) => {
        await tx.manager.insert(WidgetEntity, [newWidget('a', 3), newWidget('b', 7)]);
      });
      statements.length = 0;
      const counts: number[] = [];
      for (const quantity of [3, 7, 9]) {
        counts.push(await db.manager.countBy(WidgetEntity, { quantity }));
        await db.manager
          .createQueryBuilder()
          .update(WidgetEntity)
          .set({ quantity: () => 'quantity + 1' })
          .where('quantity = :quantity', { quantity })
          .execute();
      }
      expect(counts).toEqual([1, 1, 0]);
      expect(new Set(statements).size).toBe(2);
      expect(statements.join('\n')).not.toMatch(/\b[379]\b/);
      expect((await db.manager.find(WidgetEntity, { order: { name: 'ASC' } })).map((w) => w.quantity)).toEqual([4, 8]);
    } finally {
      await db.destroy();
    }
  });

  it('compares a bound integer as SQLite compares the literal it replaced, in a text column too', async () => {
    const db = await openWidgets('sqlite::memory:');
    try {
      await db.manager.insert(WidgetEntity, [newWidget('5', 1), newWidget('5.0', 2)]);
      const named = await db.manager
        .createQueryBuilder(WidgetEntity, 'w')
        .where('w.name = :name', { name: 5 })
        .getMany();
      // The literal 5 against a TEXT column is the text '5'; a bound double would have been '5.0'.
      expect(named.map((w) => w.name)).toEqual(['5']);
      const literal = await db.query(`SELECT name FROM widgets WHERE name = 5`);
      expect(literal).toEqual([{ name: '5' }]);
    } finally {
      await db.destroy();
    }
  });

  it('keeps far more prepared statements than TypeORM would', async () => {
    const db = await openWidgets('sqlite::memory:');
    try {
      expect((db.driver.options as { statementCacheSize?: number }).statementCacheSize).toBe(sqliteStatementCacheSize);
      expect(sqliteStatementCacheSize).toBeGreaterThan(100);
    } finally {
      await db.destroy();
    }
  });

  it('logs the bound integers of a statement at trace level as numbers', async () => {
    const stream = new PassThrough();
    const records: Array<{ msg: string; query?: string; parameters?: unknown[] }> = [];
    stream.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) records.push(JSON.parse(line));
    });
    const db = createDataSource('sqlite::memory:', {
      entities: [WidgetEntity],
      migrations: [CreateWidgets1732200000000],
      logger: createLogger({ name: 'test', level: 'trace', stream }),
    });
    await db.initialize();
    try {
      await db.manager.countBy(WidgetEntity, { quantity: 42 });
      const counted = records.find((r) => r.msg === 'query' && /COUNT/.test(r.query ?? ''));
      expect(counted?.parameters).toEqual([42]);
    } finally {
      await db.destroy();
    }
  });
});
