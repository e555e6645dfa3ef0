import type { DataSource } from 'typeorm';
import { OutboxEvent, onOutboxCommit, transaction } from '../../src/data';
import { newWidget, openWidgets, type Widget, WidgetEntity, widgetCreated } from './support/widgets';

describe('transaction (SQLite)', () => {
  let db: DataSource;
  beforeEach(async () => {
    db = await openWidgets('sqlite::memory:');
  });
  afterEach(() => db.destroy());

  const counts = async () => ({
    widgets: await db.manager.count(WidgetEntity),
    events: await db.manager.count(OutboxEvent),
  });

  it('commits a business row and its outbox event together', async () => {
    const widget = newWidget();
    const event = widgetCreated(widget);
    await transaction(db, async (tx) => {
      await tx.manager.insert(WidgetEntity, widget);
      await tx.outbox('widgets', event);
    });
    expect(await counts()).toEqual({ widgets: 1, events: 1 });
    const row = await db.manager.findOneByOrFail(OutboxEvent, { id: event.id });
    expect(row).toMatchObject({ topic: 'widgets', type: event.type, publishedAt: null, attempts: 0 });
    expect(JSON.parse(row.payload)).toEqual(widget);
    expect(row.occurredAt.toISOString()).toBe(event.occurredAt);
  });

  it('keeps neither the row nor the event when the work throws', async () => {
    const widget = newWidget();
    await expect(
      transaction(db, async (tx) => {
        await tx.manager.insert(WidgetEntity, widget);
        await tx.outbox('widgets', widgetCreated(widget));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await counts()).toEqual({ widgets: 0, events: 0 });
  });

  it('keeps neither when the work rolls back with a business failure, and answers the failure', async () => {
    const widget = newWidget();
    const result = await transaction(db, async (tx) => {
      await tx.manager.insert(WidgetEntity, widget);
      await tx.outbox('widgets', widgetCreated(widget));
      return tx.rollbackWith({ ok: false as const, reason: 'insufficient' });
    });
    expect(result).toEqual({ ok: false, reason: 'insufficient' });
    expect(await counts()).toEqual({ widgets: 0, events: 0 });
  });

  it('tells the relay after a commit with outbox rows, and not after a rollback', async () => {
    const commits: number[] = [];
    const unsubscribe = onOutboxCommit(db, () => commits.push(Date.now()));
    const widget = newWidget();
    await transaction(db, async (tx) => tx.rollbackWith(await tx.outbox('widgets', widgetCreated(widget))));
    await transaction(db, async (tx) => tx.manager.insert(WidgetEntity, newWidget()));
    expect(commits).toHaveLength(0);
    await transaction(db, async (tx) => tx.outbox('widgets', widgetCreated(widget)));
    expect(commits).toHaveLength(1);
    unsubscribe();
  });

  it('runs concurrent transactions one after another on the single SQLite connection', async () => {
    const widget: Widget = { id: 'counter', name: 'counter', quantity: 0 };
    await db.manager.insert(WidgetEntity, widget);
    // Read-then-write is exactly what interleaving would break: 25 increments must all survive.
    await Promise.all(
      Array.from({ length: 25 }, () =>
        transaction(db, async (tx) => {
          const current = await tx.manager.findOneByOrFail(WidgetEntity, { id: 'counter' });
          await new Promise((resolve) => setImmediate(resolve));
          await tx.manager.update(WidgetEntity, { id: 'counter' }, { quantity: current.quantity + 1 });
        }),
      ),
    );
    expect((await db.manager.findOneByOrFail(WidgetEntity, { id: 'counter' })).quantity).toBe(25);
  });

  it('rolls back one transaction without touching one that runs next to it', async () => {
    const kept = newWidget('kept');
    const results = await Promise.allSettled([
      transaction(db, async (tx) => {
        await tx.manager.insert(WidgetEntity, newWidget('lost'));
        await new Promise((resolve) => setTimeout(resolve, 5));
        throw new Error('boom');
      }),
      transaction(db, async (tx) => tx.manager.insert(WidgetEntity, kept)),
    ]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'fulfilled']);
    expect(await db.manager.find(WidgetEntity)).toEqual([kept]);
  });

  it('refuses a transaction nested in another on the same DataSource', async () => {
    await expect(transaction(db, async () => transaction(db, async () => 1))).rejects.toThrow(/pass the outer tx/);
  });

  it('refuses an event it could not publish faithfully', async () => {
    const event = { ...widgetCreated(newWidget()), occurredAt: 'yesterday' };
    await expect(transaction(db, (tx) => tx.outbox('widgets', event))).rejects.toThrow(/occurredAt/);
    await expect(transaction(db, (tx) => tx.outbox('', widgetCreated(newWidget())))).rejects.toThrow(/topic/);
  });
});
