import type { EventEnvelope } from '@shop/contracts';
import { recordStatements } from '@shop/testkit/src/sql-statements';
import type { DataSource } from 'typeorm';
import { OutboxEvent, OutboxRelay, transaction } from '../../src/data';
import {
  commitWidgetEvents,
  eventually,
  newWidget,
  openWidgets,
  recordingPublisher,
  widgetCreated,
} from './support/widgets';

describe('OutboxRelay (SQLite)', () => {
  let db: DataSource;
  const relays: OutboxRelay[] = [];
  const relay = (options: ConstructorParameters<typeof OutboxRelay>[1]) => {
    const created = new OutboxRelay(db, options);
    relays.push(created);
    return created;
  };
  beforeEach(async () => {
    db = await openWidgets('sqlite::memory:');
  });
  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.stop()));
    await db.destroy();
  });

  const commitEvents = (count: number) => commitWidgetEvents(db, count);

  it('publishes committed events in commit order and marks them published', async () => {
    const events = await commitEvents(5);
    const publisher = recordingPublisher();
    expect(await relay({ publish: publisher.publish, batchSize: 2 }).flush()).toBe(5);
    expect(publisher.published).toEqual(events.map((event) => ({ topic: 'widgets', event })));
    const rows = await db.manager.find(OutboxEvent, { order: { seq: 'ASC' } });
    expect(rows.every((row) => row.publishedAt instanceof Date && row.lockedBy === null)).toBe(true);
    expect(await relay({ publish: publisher.publish }).flush()).toBe(0);
  });

  it('never publishes an event whose transaction rolled back', async () => {
    await transaction(db, async (tx) => tx.rollbackWith(await tx.outbox('widgets', widgetCreated(newWidget()))));
    const publisher = recordingPublisher();
    expect(await relay({ publish: publisher.publish }).flush()).toBe(0);
  });

  it('starts publishing as soon as a transaction commits, without waiting for its poll', async () => {
    const publisher = recordingPublisher();
    // The poll would come a minute later: anything within the default wait was woken by the commit.
    relay({ publish: publisher.publish, pollIntervalMs: 60_000 }).start();
    const [event] = await commitEvents(1);
    await eventually(() => expect(publisher.ids()).toEqual([event?.id]));
  });

  it('retries a failing publish with backoff, keeping the events behind it in order', async () => {
    const events = await commitEvents(3);
    const publisher = recordingPublisher();
    let failures = 2;
    const flaky = async (topic: string, event: EventEnvelope) => {
      if (event.id === events[0]?.id && failures-- > 0) throw new Error('broker unavailable');
      await publisher.publish(topic, event);
    };
    const r = relay({ publish: flaky, initialBackoffMs: 20 });
    expect(await r.flush()).toBe(0);
    const failed = await db.manager.findOneByOrFail(OutboxEvent, { id: events[0]?.id });
    expect(failed).toMatchObject({ attempts: 1, lastError: 'broker unavailable', publishedAt: null });
    // During the backoff nothing behind the failed event goes out either.
    expect(await r.flush()).toBe(0);
    r.start();
    await eventually(() => expect(publisher.ids()).toEqual(events.map((event) => event.id)));
    expect(await db.manager.findOneByOrFail(OutboxEvent, { id: events[0]?.id })).toMatchObject({
      attempts: 2,
      lastError: null,
    });
  });

  it('lets two relays on one database publish each event once', async () => {
    const events = await commitEvents(30);
    const publisher = recordingPublisher();
    const slowPublish = async (topic: string, event: EventEnvelope) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      await publisher.publish(topic, event);
    };
    const [a, b] = [relay({ publish: slowPublish, batchSize: 4 }), relay({ publish: slowPublish, batchSize: 4 })];
    const counts = await Promise.all([a.flush(), b.flush(), a.flush(), b.flush()]);
    await a.flush();
    expect(counts.reduce((sum, n) => sum + n, 0)).toBeLessThanOrEqual(30);
    expect(publisher.ids()).toEqual(events.map((event) => event.id));
  });

  it('waits on stop for the batch in flight to be published and marked', async () => {
    await commitEvents(1);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started = false;
    const r = relay({
      publish: async () => {
        started = true;
        await gate;
      },
    });
    r.start();
    await eventually(() => expect(started).toBe(true));
    let stopped = false;
    const stopping = r.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect((await db.manager.find(OutboxEvent))[0]?.publishedAt).toBeInstanceOf(Date);
  });

  it('claims a batch with one UPDATE and a read by key, without a transaction of its own', async () => {
    await commitEvents(3);
    const statements = recordStatements(db);
    const publisher = recordingPublisher();
    expect(await relay({ publish: publisher.publish }).flush()).toBe(3);
    expect(statements.slice(0, 3)).toEqual([
      expect.stringMatching(/^UPDATE outbox_events SET locked_by = \?, locked_until = \?[\s\S]*RETURNING seq$/),
      expect.stringMatching(/^SELECT .* FROM "outbox_events"/),
      expect.stringMatching(/^UPDATE "outbox_events" SET "published_at"/),
    ]);
    expect(statements.some((sql) => /^(BEGIN|COMMIT)/.test(sql))).toBe(false);
  });

  it("takes over the rows of a relay whose lease ended, and leaves a live lease's rows and those behind them", async () => {
    const events = await commitEvents(3);
    const [head] = await db.manager.find(OutboxEvent, { order: { seq: 'ASC' }, take: 1 });
    const held = { lockedBy: 'another relay', lockedUntil: new Date(Date.now() + 60_000) };
    await db.manager.update(OutboxEvent, { seq: head?.seq }, held);
    const publisher = recordingPublisher();
    expect(await relay({ publish: publisher.publish }).flush()).toBe(0);
    await db.manager.update(OutboxEvent, { seq: head?.seq }, { lockedUntil: new Date(Date.now() - 1_000) });
    expect(await relay({ publish: publisher.publish }).flush()).toBe(3);
    expect(publisher.ids()).toEqual(events.map((event) => event.id));
  });

  describe('with a bulk publisher', () => {
    const commitTopics = async (topics: string[]) => {
      const events: Array<{ topic: string; event: EventEnvelope }> = [];
      for (const topic of topics) {
        const event = widgetCreated(newWidget());
        events.push({ topic, event });
        await transaction(db, async (tx) => tx.outbox(topic, event));
      }
      return events;
    };

    it('publishes a batch as one call per topic, in commit order within each topic, and marks every row', async () => {
      const committed = await commitTopics(['widgets', 'gadgets', 'widgets', 'gadgets', 'widgets']);
      const calls: Array<{ topic: string; ids: string[] }> = [];
      const single = recordingPublisher();
      const r = relay({
        publish: single.publish,
        publishBulk: async (topic, events) => {
          calls.push({ topic, ids: events.map(({ event }) => event.id) });
        },
      });
      expect(await r.flush()).toBe(5);
      const idsOf = (topic: string) => committed.filter((c) => c.topic === topic).map((c) => c.event.id);
      expect(calls).toEqual([
        { topic: 'widgets', ids: idsOf('widgets') },
        { topic: 'gadgets', ids: idsOf('gadgets') },
      ]);
      expect(single.published).toEqual([]);
      const rows = await db.manager.find(OutboxEvent);
      expect(rows.every((row) => row.publishedAt instanceof Date && row.lockedBy === null)).toBe(true);
    });

    it('hands each event the traceparent of the work that wrote it', async () => {
      const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      const event = widgetCreated(newWidget());
      await transaction(db, async (tx) => tx.outbox('widgets', event));
      // As the outbox records it when the writing work is traced.
      await db.manager.update(OutboxEvent, { id: event.id }, { traceparent });
      const seen: Array<string | null> = [];
      const r = relay({
        publish: recordingPublisher().publish,
        publishBulk: async (_topic, events) => {
          seen.push(...events.map((e) => e.traceparent));
        },
      });
      await r.flush();
      expect(seen).toEqual([traceparent]);
    });

    it('publishes a failed topic again whole after its backoff, holding the rows behind its first one', async () => {
      const committed = await commitTopics(['widgets', 'gadgets', 'widgets']);
      const delivered: string[] = [];
      let failures = 1;
      const r = relay({
        publish: recordingPublisher().publish,
        // Long enough that the second flush below falls inside it on a loaded machine (20 ms did not once).
        initialBackoffMs: 2_000,
        publishBulk: async (topic, events) => {
          if (topic === 'widgets' && failures-- > 0) throw new Error('broker unavailable');
          delivered.push(...events.map(({ event }) => event.id));
        },
      });
      expect(await r.flush()).toBe(1);
      const [first, gadget, last] = committed.map((c) => c.event.id);
      expect(delivered).toEqual([gadget]);
      expect(await db.manager.findOneByOrFail(OutboxEvent, { id: first })).toMatchObject({
        attempts: 1,
        lastError: 'broker unavailable',
        publishedAt: null,
      });
      // During the backoff the failed topic's rows wait, the one behind it too.
      expect(await r.flush()).toBe(0);
      r.start();
      await eventually(() => expect(delivered).toEqual([gadget, first, last]));
    });
  });
});
