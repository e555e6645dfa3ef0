import { recordStatements } from '@shop/testkit/src/sql-statements';
import type { DataSource } from 'typeorm';
import { handleOnce, InboxEvent } from '../../src/data';
import { openWidgets, type Widget, WidgetEntity } from './support/widgets';

describe('handleOnce (SQLite)', () => {
  let db: DataSource;
  beforeEach(async () => {
    db = await openWidgets('sqlite::memory:');
    await db.manager.insert(WidgetEntity, { id: 'w1', name: 'sprocket', quantity: 10 });
  });
  afterEach(() => db.destroy());

  const quantity = async () => (await db.manager.findOneByOrFail(WidgetEntity, { id: 'w1' })).quantity;
  // A non-idempotent effect: applied twice, it would take 2 units.
  const takeOne = (eventId: string, consumer = 'stock') =>
    handleOnce(db, consumer, eventId, async (tx) => {
      const widget = await tx.manager.findOneByOrFail(WidgetEntity, { id: 'w1' });
      await tx.manager.update(WidgetEntity, { id: 'w1' }, { quantity: widget.quantity - 1 });
      return widget.quantity - 1;
    });

  it('applies an event delivered twice once, and reports the second delivery as a duplicate', async () => {
    expect(await takeOne('event-1')).toEqual({ status: 'applied', value: 9 });
    expect(await takeOne('event-1')).toEqual({ status: 'duplicate' });
    expect(await quantity()).toBe(9);
  });

  it('applies an event delivered 20 times at once exactly once', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => takeOne('event-2')));
    expect(results.filter((result) => result.status === 'applied')).toHaveLength(1);
    expect(await quantity()).toBe(9);
  });

  it('keeps consumers apart: each applies the same event once', async () => {
    await takeOne('event-3', 'stock');
    await takeOne('event-3', 'analytics');
    expect(await takeOne('event-3', 'analytics')).toEqual({ status: 'duplicate' });
    expect(await quantity()).toBe(8);
  });

  it('records nothing when the effect fails, so a redelivery applies it', async () => {
    await expect(
      handleOnce(db, 'stock', 'event-4', async (tx) => {
        await tx.manager.update(WidgetEntity, { id: 'w1' }, { quantity: 0 });
        throw new Error('downstream hiccup');
      }),
    ).rejects.toThrow('downstream hiccup');
    expect(await db.manager.count(InboxEvent)).toBe(0);
    expect(await takeOne('event-4')).toEqual({ status: 'applied', value: 9 });
  });

  it('records nothing when the effect rolls back with a value', async () => {
    const result = await handleOnce(
      db,
      'stock',
      'event-5',
      async (tx): Promise<Widget | 'not-yet'> => tx.rollbackWith('not-yet'),
    );
    expect(result).toEqual({ status: 'rolled-back', value: 'not-yet' });
    expect(await takeOne('event-5')).toEqual({ status: 'applied', value: 9 });
  });

  it('writes follow-up events in the same transaction as the record', async () => {
    await handleOnce(db, 'stock', 'event-6', async (tx) =>
      tx.outbox('stock', { id: 'follow-up-1', type: 'stock.reserved', occurredAt: new Date().toISOString(), data: {} }),
    );
    await handleOnce(db, 'stock', 'event-6', async (tx) =>
      tx.outbox('stock', { id: 'follow-up-2', type: 'stock.reserved', occurredAt: new Date().toISOString(), data: {} }),
    );
    expect(await db.query('SELECT id FROM outbox_events')).toEqual([{ id: 'follow-up-1' }]);
  });

  it('records the event with one statement, its instant read back as the entity writes it', async () => {
    const statements = recordStatements(db);
    const before = Date.now();
    await handleOnce(db, 'stock', 'event-7', async () => undefined);
    expect(statements.filter((sql) => /inbox_events/.test(sql))).toEqual([
      expect.stringMatching(/^INSERT INTO inbox_events .* ON CONFLICT DO NOTHING RETURNING 1$/),
    ]);
    const record = await db.manager.findOneByOrFail(InboxEvent, { consumer: 'stock', eventId: 'event-7' });
    expect(record.processedAt).toBeInstanceOf(Date);
    expect(record.processedAt.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(record.processedAt.getTime()).toBeLessThanOrEqual(Date.now());
  });
});
