import { recordStatements } from '@shop/testkit/src/sql-statements';
import type { DataSource } from 'typeorm';
import { handleOnce, handleOnceInGroup, InboxEvent } from '../../src/data';
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

describe('handleOnceInGroup (SQLite)', () => {
  let db: DataSource;
  let statements: string[];
  beforeEach(async () => {
    db = await openWidgets('sqlite::memory:');
    await db.manager.insert(WidgetEntity, { id: 'w1', name: 'sprocket', quantity: 10 });
    statements = recordStatements(db);
  });
  afterEach(() => db.destroy());

  const quantity = async () => (await db.manager.findOneByOrFail(WidgetEntity, { id: 'w1' })).quantity;
  const takeOne = (eventId: string, consumer = 'stock') =>
    handleOnceInGroup(db, consumer, eventId, async (tx) => {
      const widget = await tx.manager.findOneByOrFail(WidgetEntity, { id: 'w1' });
      await tx.manager.update(WidgetEntity, { id: 'w1' }, { quantity: widget.quantity - 1 });
      return widget.quantity - 1;
    });
  const begins = () => statements.filter((sql) => /^BEGIN/.test(sql)).length;
  const inboxInserts = () => statements.filter((sql) => /^INSERT INTO inbox_events/.test(sql)).length;

  it('applies events that arrive together in one transaction with one inbox INSERT, each answered as alone', async () => {
    const results = await Promise.all([takeOne('g-1'), takeOne('g-2', 'analytics'), takeOne('g-3')]);
    expect(results).toEqual([
      { status: 'applied', value: 9 },
      { status: 'applied', value: 8 },
      { status: 'applied', value: 7 },
    ]);
    expect(begins()).toBe(1);
    expect(inboxInserts()).toBe(1);
    expect(await db.manager.countBy(InboxEvent, {})).toBe(3);
    expect(await takeOne('g-2', 'analytics')).toEqual({ status: 'duplicate' });
    expect(await quantity()).toBe(7);
  });

  it('applies an event delivered 20 times at once, within one group and across groups, exactly once', async () => {
    const first = Promise.all(Array.from({ length: 20 }, () => takeOne('g-4')));
    await new Promise((resolve) => setImmediate(resolve));
    const second = Promise.all(Array.from({ length: 5 }, () => takeOne('g-4')));
    const results = [...(await first), ...(await second)];
    expect(results.filter((result) => result.status === 'applied')).toHaveLength(1);
    expect(results.filter((result) => result.status === 'duplicate')).toHaveLength(24);
    expect(await quantity()).toBe(9);
  });

  it('runs the events of a group whose member failed again alone: the others apply, the failure is its own', async () => {
    const failing = handleOnceInGroup(db, 'stock', 'g-5', async (tx) => {
      await tx.manager.update(WidgetEntity, { id: 'w1' }, { quantity: 0 });
      throw new Error('downstream hiccup');
    });
    const [before, after] = [takeOne('g-6'), takeOne('g-7')];
    await expect(failing).rejects.toThrow('downstream hiccup');
    expect(await before).toEqual({ status: 'applied', value: 9 });
    expect(await after).toEqual({ status: 'applied', value: 8 });
    expect(await quantity()).toBe(8);
    expect((await db.manager.findBy(InboxEvent, {})).map((row) => row.eventId).sort()).toEqual(['g-6', 'g-7']);
    // The group, then each of its three events alone.
    expect(begins()).toBe(4);
  });

  it('answers a member that rolled back with its value and records nothing for it; the others apply', async () => {
    const [applied, rolledBack] = await Promise.all([
      takeOne('g-8'),
      handleOnceInGroup(db, 'stock', 'g-9', async (tx) => {
        await tx.manager.update(WidgetEntity, { id: 'w1' }, { quantity: 0 });
        return tx.rollbackWith('not-yet');
      }),
    ]);
    expect(applied).toEqual({ status: 'applied', value: 9 });
    expect(rolledBack).toEqual({ status: 'rolled-back', value: 'not-yet' });
    expect(await quantity()).toBe(9);
    expect(await takeOne('g-9')).toEqual({ status: 'applied', value: 8 });
  });

  it('lets what arrives while a group commits form the next group, never more than the limit in one', async () => {
    const results = await Promise.all(Array.from({ length: 120 }, (_, i) => takeOne(`g-many-${i}`)));
    expect(results.every((result) => result.status === 'applied')).toBe(true);
    expect(await quantity()).toBe(10 - 120);
    expect(begins()).toBe(3);
  });
});
