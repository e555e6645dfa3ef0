import type { DataSource } from 'typeorm';
import { OutboxEvent, onOutboxCommit, outboxRowForStatement, transaction } from '../../src/data';
import { newWidget, openWidgets, widgetCreated } from './support/widgets';

// A store may write an outbox row in a statement of its own (with the change it announces); the transaction
// must then treat it as it treats rows written through tx.outbox.
describe('outboxRowForStatement (SQLite)', () => {
  let db: DataSource;
  beforeEach(async () => {
    db = await openWidgets('sqlite::memory:');
  });
  afterEach(() => db.destroy());

  const insertOwnRow = (manager: DataSource['manager'], row: ReturnType<typeof outboxRowForStatement>) =>
    manager.query(
      'INSERT INTO outbox_events (id, topic, type, payload, occurred_at, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      [row.id, row.topic, row.type, row.payload, row.occurredAt.toISOString(), row.createdAt.toISOString()],
    );

  it('answers the row tx.outbox would write, which the relay reads back as the event', async () => {
    const widget = newWidget();
    const event = widgetCreated(widget);
    await transaction(db, async (tx) => insertOwnRow(tx.manager, outboxRowForStatement(tx, 'widgets', event)));
    const row = await db.manager.findOneByOrFail(OutboxEvent, { id: event.id });
    expect(row).toMatchObject({ topic: 'widgets', type: event.type, publishedAt: null, attempts: 0 });
    expect(JSON.parse(row.payload)).toEqual(widget);
    expect(row.occurredAt.toISOString()).toBe(event.occurredAt);
  });

  it('wakes the relays after the commit, and not after a rollback', async () => {
    const commits: number[] = [];
    const unsubscribe = onOutboxCommit(db, () => commits.push(Date.now()));
    await transaction(db, async (tx) =>
      tx.rollbackWith(await insertOwnRow(tx.manager, outboxRowForStatement(tx, 'widgets', widgetCreated(newWidget())))),
    );
    expect(commits).toHaveLength(0);
    await transaction(db, async (tx) =>
      insertOwnRow(tx.manager, outboxRowForStatement(tx, 'widgets', widgetCreated(newWidget()))),
    );
    expect(commits).toHaveLength(1);
    unsubscribe();
  });

  it('refuses an event the outbox cannot hold, as tx.outbox does', async () => {
    await expect(
      transaction(db, async (tx) => outboxRowForStatement(tx, '', widgetCreated(newWidget()))),
    ).rejects.toThrow('outbox topic must be 1-200 characters');
    await expect(
      transaction(db, async (tx) =>
        outboxRowForStatement(tx, 'widgets', { ...widgetCreated(newWidget()), occurredAt: 'then' }),
      ),
    ).rejects.toThrow('has no valid occurredAt');
  });
});
