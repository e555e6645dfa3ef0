import { recordStatements } from '@shop/testkit/src/sql-statements';
import type { DataSource } from 'typeorm';
import { autocommit, transaction } from '../../src/data';
import { newWidget, openWidgets, WidgetEntity } from './support/widgets';

describe('autocommit (SQLite)', () => {
  let db: DataSource;
  beforeEach(async () => {
    db = await openWidgets('sqlite::memory:');
  });
  afterEach(() => db.destroy());

  it('runs its statements bare, without BEGIN and COMMIT', async () => {
    const statements = recordStatements(db);
    const widget = newWidget('bare', 2);
    await autocommit(db, (manager) => manager.insert(WidgetEntity, widget));
    expect(statements).toEqual([expect.stringMatching(/^INSERT INTO "widgets"/)]);
    expect(await db.manager.findOneBy(WidgetEntity, { id: widget.id })).toMatchObject({ quantity: 2 });
  });

  it('waits for the transaction running on the connection, and is not rolled back with it', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const inTransaction = newWidget('rolled back', 1);
    const bare = newWidget('kept', 1);
    const running = transaction(db, async (tx) => {
      await tx.manager.insert(WidgetEntity, inTransaction);
      await held;
      return tx.rollbackWith('rolled back');
    });
    const order: string[] = [];
    const autocommitted = autocommit(db, async (manager) => {
      order.push('autocommit');
      await manager.insert(WidgetEntity, bare);
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    order.push('transaction released');
    release();
    await Promise.all([running, autocommitted]);
    expect(order).toEqual(['transaction released', 'autocommit']);
    expect((await db.manager.find(WidgetEntity)).map((w) => w.name)).toEqual(['kept']);
  });

  it('is refused inside a transaction on the same DataSource, where it would wait on itself', async () => {
    await expect(
      transaction(db, () => autocommit(db, (manager) => manager.insert(WidgetEntity, newWidget()))),
    ).rejects.toThrow(/inside a transaction on the same DataSource/);
  });
});
