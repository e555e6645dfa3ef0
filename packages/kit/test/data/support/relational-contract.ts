import { randomUUID } from 'node:crypto';
import { type DataSource, IsNull, Not } from 'typeorm';
import {
  handleOnce,
  handleOnceInGroup,
  hashRequest,
  InboxEvent,
  kitMigrations,
  OutboxEvent,
  OutboxRelay,
  runIdempotent,
  type Tx,
  transaction,
} from '../../../src/data';
import { describeIdempotencyExpiry } from './idempotency-expiry';
import {
  commitWidgetEvents,
  eventually,
  migrationCounts,
  newWidget,
  openWidgets,
  openWidgetsReplica,
  recordingPublisher,
  WidgetEntity,
  widgetCreated,
} from './widgets';

/** A database server the contract can make fresh databases on: PostgreSQL here, SQL Server in containers. */
export interface DatabaseServer {
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * The kit's data guarantees on a server database, with real concurrency (several connections):
 * atomic outbox, ordered relay with retries and replicas, inbox and idempotency keys under races.
 */
export function describeRelationalData(label: string, startServer: () => Promise<DatabaseServer>): void {
  describe(`kit data on ${label}`, () => {
    let server: DatabaseServer;
    const open: DataSource[] = [];
    beforeAll(async () => {
      server = await startServer();
    }, 180_000);
    afterAll(async () => {
      await Promise.all(open.map((db) => (db.isInitialized ? db.destroy() : undefined)));
      await server?.stop();
    }, 60_000);

    const connect = async (url: string) => {
      const db = await openWidgets(url);
      open.push(db);
      return db;
    };
    const freshDatabase = async () => connect(await server.createDatabase(`db_${randomUUID().slice(0, 8)}`));
    const pg = { createDatabase: (name: string) => server.createDatabase(name) };

    const commitEvents = commitWidgetEvents;

    it('runs the migrations, and starting again runs none twice', async () => {
      const url = await pg.createDatabase(`migrated_${randomUUID().slice(0, 8)}`);
      const first = await connect(url);
      await first.destroy();
      const second = await connect(url);
      expect(await second.showMigrations()).toBe(false);
    });

    it('lets replicas starting at the same moment on a fresh database run each migration once', async () => {
      const url = await pg.createDatabase(`replicas_${randomUUID().slice(0, 8)}`);
      const replicas = await Promise.all([1, 2, 3].map(() => openWidgetsReplica(url)));
      open.push(...replicas);
      expect(await migrationCounts(replicas[0] as DataSource)).toEqual({
        ...Object.fromEntries(kitMigrations.map((migration) => [new migration().name, 1])),
        CreateWidgets1732200000000: 1,
        SlowWidgetIndex1732200000001: 1,
      });
      for (const replica of replicas) expect(await replica.showMigrations()).toBe(false);
    });

    it('commits a business row and its outbox event together or not at all', async () => {
      const db = await freshDatabase();
      const committed = newWidget();
      await transaction(db, async (tx) => {
        await tx.manager.insert(WidgetEntity, committed);
        await tx.outbox('widgets', widgetCreated(committed));
      });
      await expect(
        transaction(db, async (tx) => {
          await tx.manager.insert(WidgetEntity, newWidget());
          await tx.outbox('widgets', widgetCreated(newWidget()));
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      const refused = await transaction(db, async (tx) => {
        await tx.manager.insert(WidgetEntity, newWidget());
        await tx.outbox('widgets', widgetCreated(newWidget()));
        return tx.rollbackWith('refused');
      });
      expect(refused).toBe('refused');
      expect(await db.manager.find(WidgetEntity)).toEqual([committed]);
      expect(await db.manager.count(OutboxEvent)).toBe(1);
    });

    it('publishes in order, retries a failing publish, and marks what went out', async () => {
      const db = await freshDatabase();
      const events = await commitEvents(db, 4);
      const publisher = recordingPublisher();
      let failures = 1;
      const relay = new OutboxRelay(db, {
        initialBackoffMs: 20,
        pollIntervalMs: 20,
        publish: async (topic, event) => {
          if (event.id === events[1]?.id && failures-- > 0) throw new Error('broker unavailable');
          await publisher.publish(topic, event);
        },
      });
      relay.start();
      await eventually(() => expect(publisher.ids()).toEqual(events.map((event) => event.id)));
      await relay.stop();
      const rows = await db.manager.find(OutboxEvent, { order: { seq: 'ASC' } });
      expect(rows.map((row) => [row.attempts, row.publishedAt instanceof Date])).toEqual([
        [0, true],
        [1, true],
        [0, true],
        [0, true],
      ]);
    });

    it('lets relay replicas on separate connections publish each event once, in order', async () => {
      const url = await pg.createDatabase(`replicas_${randomUUID().slice(0, 8)}`);
      const db = await connect(url);
      const events = await commitEvents(db, 120);
      const publisher = recordingPublisher();
      const replicas = await Promise.all(
        Array.from({ length: 3 }, async (_, i) => {
          const replicaDb = await connect(url);
          return new OutboxRelay(replicaDb, {
            relayId: `replica-${i}`,
            batchSize: 7,
            pollIntervalMs: 5,
            publish: async (topic, event) => {
              await new Promise((resolve) => setImmediate(resolve));
              await publisher.publish(topic, event);
            },
          });
        }),
      );
      for (const replica of replicas) replica.start();
      await eventually(() => expect(publisher.published).toHaveLength(120), 20_000);
      await Promise.all(replicas.map((replica) => replica.stop()));
      expect(publisher.ids()).toEqual(events.map((event) => event.id));
      expect(await db.manager.countBy(OutboxEvent, { publishedAt: IsNull() })).toBe(0);
      expect(await db.manager.countBy(OutboxEvent, { lockedBy: Not(IsNull()) })).toBe(0);
    }, 30_000);

    it('applies an event delivered 20 times at once exactly once', async () => {
      const db = await freshDatabase();
      await db.manager.insert(WidgetEntity, { id: 'w1', name: 'sprocket', quantity: 100 });
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          handleOnce(db, 'stock', 'event-1', async (tx) => {
            await tx.manager.decrement(WidgetEntity, { id: 'w1' }, 'quantity', 1);
            await new Promise((resolve) => setTimeout(resolve, 5));
            return 'taken';
          }),
        ),
      );
      expect(results.filter((result) => result.status === 'applied')).toHaveLength(1);
      expect(results.filter((result) => result.status === 'duplicate')).toHaveLength(19);
      expect((await db.manager.findOneByOrFail(WidgetEntity, { id: 'w1' })).quantity).toBe(99);
      expect(await handleOnce(db, 'stock', 'event-1', async () => 'again')).toEqual({ status: 'duplicate' });
    });

    it('applies events grouped into shared transactions each once, next to the same events handled alone', async () => {
      const db = await freshDatabase();
      await db.manager.insert(WidgetEntity, { id: 'w1', name: 'sprocket', quantity: 100 });
      const take = (eventId: string) => async (tx: Tx) => {
        await tx.manager.decrement(WidgetEntity, { id: 'w1' }, 'quantity', 1);
        return eventId;
      };
      const ids = Array.from({ length: 12 }, (_, i) => `grouped-${i}`);
      // Every event three times: twice in groups (the same group and the next), once alone in its own transaction.
      const results = await Promise.all([
        ...ids.map((id) => handleOnceInGroup(db, 'stock', id, take(id))),
        ...ids.map((id) => handleOnceInGroup(db, 'stock', id, take(id))),
        ...ids.map((id) => handleOnce(db, 'stock', id, take(id))),
        new Promise((resolve) => setImmediate(resolve)).then(() =>
          Promise.all(ids.map((id) => handleOnceInGroup(db, 'stock', id, take(id)))),
        ),
      ]);
      const flat = results.flat() as Array<{ status: string; value?: string }>;
      expect(
        flat
          .filter((r) => r.status === 'applied')
          .map((r) => r.value)
          .sort(),
      ).toEqual([...ids].sort());
      expect(flat.filter((r) => r.status === 'duplicate')).toHaveLength(ids.length * 3);
      expect((await db.manager.findOneByOrFail(WidgetEntity, { id: 'w1' })).quantity).toBe(100 - ids.length);
      expect(await db.manager.countBy(InboxEvent, { consumer: 'stock' })).toBe(ids.length);
    });

    it('executes concurrent requests with one idempotency key once, replays them, and refuses a different body', async () => {
      const db = await freshDatabase();
      let executions = 0;
      const post = (body: { name: string }) =>
        runIdempotent(db, { scope: 'widgets:create', key: 'key-1', requestHash: hashRequest(body) }, async (tx) => {
          executions++;
          const widget = newWidget(body.name);
          await tx.manager.insert(WidgetEntity, widget);
          await new Promise((resolve) => setTimeout(resolve, 20));
          return { status: 201, body: widget };
        });
      const results = await Promise.all(Array.from({ length: 10 }, () => post({ name: 'gear' })));
      expect(results.filter((result) => result.outcome === 'executed')).toHaveLength(1);
      expect(results.filter((result) => result.outcome === 'replayed')).toHaveLength(9);
      const bodies = new Set(
        results.map((result) => JSON.stringify(result.outcome === 'conflict' ? null : result.response)),
      );
      expect(bodies.size).toBe(1);
      expect(executions).toBe(1);
      expect(await db.manager.count(WidgetEntity)).toBe(1);
      expect(await post({ name: 'cog' })).toEqual({ outcome: 'conflict', reason: 'different-request' });
    });

    describeIdempotencyExpiry(async (settings) => {
      const db = await openWidgets(await server.createDatabase(`db_${randomUUID().slice(0, 8)}`), settings);
      open.push(db);
      return db;
    });
  });
}
