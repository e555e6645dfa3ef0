import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { EventEnvelope } from '@shop/contracts';
import type { DataSource } from 'typeorm';
import { type ManagedProcess, spawnManaged } from '../../../testkit/src/managed-process';
import { type PostgresServer, startPostgres } from '../../../testkit/src/postgres';
import { handleOnce, OutboxEvent, OutboxRelay } from '../../src/data';
import { eventually, openWidgets, WidgetEntity } from './support/widgets';

const repoRoot = resolve(__dirname, '../../../..');
const logDir = join(repoRoot, '.tmp/test-logs/outbox-crash');
const leaseMs = 2_000;

/**
 * A process commits a business row and its outbox event, then dies by SIGKILL before publishing it. The
 * event must still go out exactly once (from a relay in this process) and be applied once by a subscriber
 * that receives it twice.
 */
describe('outbox across a crash (PostgreSQL)', () => {
  let pg: PostgresServer;
  const open: DataSource[] = [];
  const children: ManagedProcess[] = [];
  beforeAll(async () => {
    pg = await startPostgres({ logDir });
  }, 60_000);
  afterAll(async () => {
    await Promise.all(children.map((child) => child.kill()));
    await Promise.all(open.map((db) => db.destroy()));
    await pg?.stop();
  });

  const database = async (name: string) => {
    const db = await openWidgets(await pg.createDatabase(name));
    open.push(db);
    return db;
  };

  /** Runs the writer until it reports `point`, then kills its node process with SIGKILL. */
  const crashWriter = async (name: string, point: 'after-commit' | 'while-publishing') => {
    const url = await pg.createDatabase(name);
    const eventId = randomUUID();
    const writer = spawnManaged(`crash-writer-${name}`, join(repoRoot, 'node_modules/.bin/tsx'), {
      args: [join(__dirname, 'support/crash-writer.ts')],
      env: {
        ...process.env,
        DATABASE_URL: url,
        CRASH_POINT: point,
        EVENT_ID: eventId,
        WIDGET_ID: randomUUID(),
        LEASE_MS: String(leaseMs),
      },
      cwd: repoRoot,
      logDir,
    });
    children.push(writer);
    const line = await waitForLine(writer, new RegExp(`^(committed|publishing) ${eventId} (\\d+)$`, 'm'));
    const killedAt = Date.now();
    process.kill(Number(line[2]), 'SIGKILL');
    await writer.exited;
    const db = await openWidgets(url);
    open.push(db);
    return { db, eventId, killedAt };
  };

  /** A subscriber that gets every event twice (at-least-once delivery) and applies it through the inbox. */
  const subscriber = async () => {
    const db = await database(`subscriber_${randomUUID().slice(0, 8)}`);
    await db.manager.insert(WidgetEntity, { id: 'seen', name: 'events applied', quantity: 0 });
    const outcomes: string[] = [];
    const deliver = async (event: EventEnvelope) => {
      const result = await handleOnce(db, 'widget-counter', event.id, (tx) =>
        tx.manager.increment(WidgetEntity, { id: 'seen' }, 'quantity', 1),
      );
      outcomes.push(result.status);
    };
    return {
      outcomes,
      applied: async () => (await db.manager.findOneByOrFail(WidgetEntity, { id: 'seen' })).quantity,
      publish: async (_topic: string, event: EventEnvelope) => {
        await deliver(event);
        await deliver(event);
      },
    };
  };

  it('publishes an event committed by a process killed before its relay ran', async () => {
    const { db, eventId } = await crashWriter('killed_after_commit', 'after-commit');
    expect(await db.manager.count(WidgetEntity)).toBe(1);
    expect(await db.manager.findOneByOrFail(OutboxEvent, { id: eventId })).toMatchObject({ publishedAt: null });

    const consumer = await subscriber();
    const published: string[] = [];
    const relay = new OutboxRelay(db, {
      publish: async (topic, event) => {
        published.push(event.id);
        await consumer.publish(topic, event);
      },
    });
    expect(await relay.flush()).toBe(1);
    expect(await relay.flush()).toBe(0);
    expect(published).toEqual([eventId]);
    expect(consumer.outcomes).toEqual(['applied', 'duplicate']);
    expect(await consumer.applied()).toBe(1);
  }, 60_000);

  it('takes over an event claimed by a relay killed mid-publish once its lease ends, and publishes it once', async () => {
    const { db, eventId } = await crashWriter('killed_while_publishing', 'while-publishing');
    const claimed = await db.manager.findOneByOrFail(OutboxEvent, { id: eventId });
    expect(claimed).toMatchObject({ publishedAt: null, lockedBy: expect.stringMatching(/#1$/) });

    const leaseEndsAt = claimed.lockedUntil?.getTime() ?? Number.NaN;
    const consumer = await subscriber();
    const published: string[] = [];
    let publishedAt = 0;
    const relay = new OutboxRelay(db, {
      publish: async (topic, event) => {
        published.push(event.id);
        publishedAt = Date.now();
        await consumer.publish(topic, event);
      },
    });
    // The dead relay's lease still holds the row: a flush now publishes nothing, and none may publish it before the
    // lease ends (checked below against the time of publishing, so a slow machine cannot make this racy).
    await relay.flush();
    await eventually(async () => {
      await relay.flush();
      expect(published).toEqual([eventId]);
    }, 15_000);
    expect(publishedAt).toBeGreaterThanOrEqual(leaseEndsAt);
    expect(await relay.flush()).toBe(0);
    expect(published).toEqual([eventId]);
    expect(await db.manager.findOneByOrFail(OutboxEvent, { id: eventId })).toMatchObject({
      publishedAt: expect.any(Date),
      lockedBy: null,
    });
    expect(consumer.outcomes).toEqual(['applied', 'duplicate']);
    expect(await consumer.applied()).toBe(1);
  }, 60_000);
});

async function waitForLine(managed: ManagedProcess, pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
  return new Promise((resolveLine, reject) => {
    let output = '';
    const timer = setTimeout(
      () => done(new Error(`no line matching ${pattern} within ${timeoutMs} ms:\n${managed.tail()}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) done(undefined, match);
    };
    const done = (error?: Error, match?: RegExpExecArray) => {
      clearTimeout(timer);
      managed.child.stdout?.off('data', onData);
      if (match) resolveLine(match);
      else reject(error);
    };
    managed.child.stdout?.on('data', onData);
    void managed.exited.then(() =>
      done(new Error(`${managed.name} exited before printing ${pattern}:\n${managed.tail()}`)),
    );
  });
}
