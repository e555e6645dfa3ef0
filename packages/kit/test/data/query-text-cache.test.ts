import { DataSource, EntitySchema } from 'typeorm';
import { cacheQueryTexts } from '../../src/data/query-text-cache';
import { sqliteBindingOptions } from '../../src/data/sqlite-binding';

// Two entities whose `label` property maps to different columns: one statement text, two answers.
const First = new EntitySchema<{ id: number; label: string }>({
  name: 'First',
  tableName: 'firsts',
  columns: { id: { type: Number, primary: true }, label: { type: String, name: 'first_label' } },
});
const Second = new EntitySchema<{ id: number; label: string }>({
  name: 'Second',
  tableName: 'seconds',
  columns: { id: { type: Number, primary: true }, label: { type: String, name: 'second_label' } },
});

describe('the kept texts of TypeORM statements', () => {
  let db: DataSource;
  beforeAll(async () => {
    db = new DataSource({
      type: 'better-sqlite3',
      database: ':memory:',
      entities: [First, Second],
      ...sqliteBindingOptions(),
    });
    await db.initialize();
  });
  afterAll(() => db.destroy());

  const sqlOf = (entity: EntitySchema, alias = 'x') =>
    db
      .createQueryBuilder(entity, alias)
      .select(`${alias}.label`)
      .where(`${alias}.label = :label`, { label: 'a' })
      .getQuery();

  it('builds the same SQL as TypeORM does, for each entity and alias, however often it is asked', () => {
    const uncached = [sqlOf(First), sqlOf(Second), sqlOf(First, 'y')];
    cacheQueryTexts();
    for (let round = 0; round < 3; round++) {
      expect([sqlOf(First), sqlOf(Second), sqlOf(First, 'y')]).toEqual(uncached);
    }
    expect(uncached[0]).toContain('"x"."first_label"');
    expect(uncached[1]).toContain('"x"."second_label"');
    expect(uncached[2]).toContain('"y"."first_label"');
  });

  it('gives what it keeps the same answers as TypeORM through the entity manager', async () => {
    cacheQueryTexts();
    await db.synchronize();
    await db.manager.insert(First, [
      { id: 1, label: 'one' },
      { id: 2, label: 'two' },
    ]);
    await db.manager.insert(Second, { id: 1, label: 'uno' });
    for (const [from, to] of [
      ['uno', 'eins'],
      ['eins', 'uno'],
    ]) {
      expect(await db.manager.findOneBy(First, { label: 'two' })).toEqual({ id: 2, label: 'two' });
      expect(await db.manager.findOneBy(Second, { label: from })).toEqual({ id: 1, label: from });
      await db.manager.update(Second, { label: from }, { label: to });
    }
    expect(await db.manager.findBy(Second, {})).toEqual([{ id: 1, label: 'uno' }]);
  });
});
