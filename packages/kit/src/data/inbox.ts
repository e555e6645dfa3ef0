import { AsyncResource } from 'node:async_hooks';
import type { DataSource } from 'typeorm';
import { isUniqueViolation } from './constraint-violations';
import { countInboxDuplicate } from './data-metrics';
import { InboxEvent } from './kit-entities';
import { kitLimits } from './kit-migrations';
import { dialectOf } from './portable-columns';
import { insideTransactionOf, runTransaction, type Tx } from './unit-of-work';

export type InboxResult<T> =
  /** The effect ran and committed together with the record of the event. */
  | { status: 'applied'; value: T }
  /** This consumer had already applied the event (or is applying it right now and committed first). */
  | { status: 'duplicate' }
  /** The effect asked for a rollback (`tx.rollbackWith`): nothing is recorded, a redelivery runs it again. */
  | { status: 'rolled-back'; value: T };

type Step<T> = { duplicate: true } | { duplicate: false; value: T };

/**
 * Runs a consumer's effect at most once per event: the event id is recorded in the effect's own transaction,
 * so a redelivered event, or the same event delivered twice at once, finds the record and runs nothing.
 * The record is inserted before the effect runs: a concurrent twin waits on the row lock and then finds the
 * key taken (a unique violation, rolled back, reported as 'duplicate').
 */
export async function handleOnce<T>(
  dataSource: DataSource,
  consumer: string,
  eventId: string,
  effect: (tx: Tx) => Promise<T>,
): Promise<InboxResult<T>> {
  checkInboxKey(consumer, eventId);
  const record = dialectOf(dataSource) === 'mssql' ? lookUpThenRecord : recordInOneStatement;
  const outcome = await runTransaction<Step<T>>(dataSource, async (tx) => {
    if (!(await record(tx, consumer, eventId))) return tx.rollbackWith({ duplicate: true });
    return { duplicate: false, value: await effect(tx) };
  });
  const step = outcome.value;
  if (step.duplicate) {
    countInboxDuplicate(dataSource, consumer);
    return { status: 'duplicate' };
  }
  return outcome.committed ? { status: 'applied', value: step.value } : { status: 'rolled-back', value: step.value };
}

function checkInboxKey(consumer: string, eventId: string): void {
  if (!consumer || consumer.length > kitLimits.consumerLength) {
    throw new Error(`inbox consumer name must be 1-${kitLimits.consumerLength} characters`);
  }
  if (!eventId || eventId.length > kitLimits.inboxEventIdLength) {
    throw new Error(`inbox event id must be 1-${kitLimits.inboxEventIdLength} characters`);
  }
}

/** At most this many events share a transaction (3 parameters each in the inbox's INSERT). */
export const maxEventsPerGroup = 50;

interface Waiting {
  consumer: string;
  eventId: string;
  /** The effect, run in the async context of the delivery that brought it (its trace, its logger). */
  effect: (tx: Tx) => Promise<unknown>;
  /** That context: the next group is scheduled in its first member's, never inside a transaction's. */
  context: AsyncResource;
  settle(result: Promise<InboxResult<unknown>>): void;
}

interface Group {
  waiting: Waiting[];
  scheduled: boolean;
}

const groups = new WeakMap<DataSource, Group>();
const duplicateInGroup = Symbol('duplicate');

/**
 * `handleOnce` for an observer, whose events no one waits on: the events of every consumer of the DataSource that
 * arrive while its last transaction is still queued or running share ONE transaction (a group commit), with one
 * INSERT recording them all in the inbox. An event alone costs a BEGIN, an inbox INSERT and a COMMIT besides its
 * own statements; in a group of n, those three are paid once. Nothing waits for a group to fill: the group is
 * whatever came before its transaction's turn (SQLite runs one at a time) or within the same turn of the event loop
 * (a bulk delivery's entries, PostgreSQL). The answers are handleOnce's, per event: when any effect of a group
 * throws or rolls back (`tx.rollbackWith`), the group is rolled back and each of its events runs again alone, so
 * one event's failure never fails or holds back another, and nothing is recorded twice. SQL Server (no ON CONFLICT)
 * takes each event alone.
 */
export function handleOnceInGroup<T>(
  dataSource: DataSource,
  consumer: string,
  eventId: string,
  effect: (tx: Tx) => Promise<T>,
): Promise<InboxResult<T>> {
  checkInboxKey(consumer, eventId);
  if (dialectOf(dataSource) === 'mssql') return handleOnce(dataSource, consumer, eventId, effect);
  let group = groups.get(dataSource);
  if (!group) {
    group = { waiting: [], scheduled: false };
    groups.set(dataSource, group);
  }
  const context = new AsyncResource('shop.inbox-group');
  return new Promise<InboxResult<T>>((resolve, reject) => {
    group.waiting.push({
      consumer,
      eventId,
      // In this call's async context, marked as inside a transaction on the DataSource (the nested-transaction
      // check), since the group's transaction runs in the context of whichever call scheduled it.
      effect: (tx) => context.runInAsyncScope(() => insideTransactionOf(dataSource, () => effect(tx))),
      context,
      settle: (result) => (result as Promise<InboxResult<T>>).then(resolve, reject),
    });
    scheduleGroup(dataSource, group);
  });
}

function scheduleGroup(dataSource: DataSource, group: Group): void {
  const [first] = group.waiting;
  if (group.scheduled || !first) return;
  group.scheduled = true;
  // After the current turn of the event loop, so that the entries of one bulk delivery go together.
  first.context.runInAsyncScope(() => setImmediate(() => void commitGroup(dataSource, group)));
}

async function commitGroup(dataSource: DataSource, group: Group): Promise<void> {
  let members: Waiting[] | undefined;
  let outcome: { committed: boolean; value: unknown[] } | undefined;
  let failure: unknown;
  try {
    outcome = await runTransaction(dataSource, async (tx) => {
      // The group closes when its transaction's turn comes: what arrived while it waited joins it.
      members = group.waiting.splice(0, maxEventsPerGroup);
      group.scheduled = false;
      if (group.waiting.length > 0) scheduleGroup(dataSource, group);
      const recorded = await recordAll(tx, members);
      const values: unknown[] = [];
      for (const member of members) {
        // A key's first member applies it; a twin later in the group is a duplicate, as it would be alone.
        if (!recorded.delete(inboxKey(member.consumer, member.eventId))) values.push(duplicateInGroup);
        else values.push(await member.effect(tx));
      }
      return values;
    });
  } catch (error) {
    failure = error;
  }
  if (!members) {
    // The transaction never started (BEGIN failed): whoever waits is taken alone.
    members = group.waiting.splice(0);
    group.scheduled = false;
  }
  if (outcome?.committed) {
    outcome.value.forEach((value, i) => {
      const member = members?.[i];
      if (!member) return;
      if (value === duplicateInGroup) {
        countInboxDuplicate(dataSource, member.consumer);
        member.settle(Promise.resolve({ status: 'duplicate' }));
      } else member.settle(Promise.resolve({ status: 'applied', value }));
    });
    return;
  }
  const [only] = members;
  if (members.length === 1 && only && outcome) {
    // Alone and rolled back: already handleOnce's answer (a duplicate never rolls a group back).
    only.settle(Promise.resolve({ status: 'rolled-back', value: outcome.value[0] }));
    return;
  }
  if (members.length === 1 && only && failure !== undefined) {
    only.settle(Promise.reject(failure));
    return;
  }
  for (const member of members) member.settle(handleOnce(dataSource, member.consumer, member.eventId, member.effect));
}

const inboxKey = (consumer: string, eventId: string) => `${consumer}\u0000${eventId}`;

/**
 * Records the group's events in one INSERT; answers the keys it recorded (the others were applied before, or
 * appear twice in the group). Rows go in key order, so that two groups on PostgreSQL wait on each other's keys in
 * the same order and cannot deadlock on them.
 */
async function recordAll(tx: Tx, members: Waiting[]): Promise<Set<string>> {
  const connection = tx.manager.connection;
  const postgres = dialectOf(connection) === 'postgres';
  const processedAt = postgres
    ? new Date()
    : connection.driver.preparePersistentValue(new Date(), processedAtColumn(connection));
  const keys = [...new Set(members.map((m) => inboxKey(m.consumer, m.eventId)))].sort();
  const parameters: unknown[] = [];
  const rows = keys.map((key, i) => {
    const [consumer, eventId] = key.split('\u0000');
    parameters.push(consumer, eventId, processedAt);
    return postgres ? `($${i * 3 + 1}, $${i * 3 + 2}, $${i * 3 + 3})` : '(?, ?, ?)';
  });
  const inserted: Array<{ consumer: string; event_id: string }> = await tx.manager.query(
    `INSERT INTO inbox_events (consumer, event_id, processed_at) VALUES ${rows.join(', ')} ON CONFLICT DO NOTHING RETURNING consumer, event_id`,
    parameters,
  );
  return new Set(inserted.map((row) => inboxKey(row.consumer, row.event_id)));
}

/** Answers whether this transaction recorded the event, i.e. nobody had (or is about to have) applied it. */
async function lookUpThenRecord(tx: Tx, consumer: string, eventId: string): Promise<boolean> {
  if (await tx.manager.existsBy(InboxEvent, { consumer, eventId })) return false;
  try {
    await tx.manager.insert(InboxEvent, { consumer, eventId, processedAt: new Date() });
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

// PostgreSQL and SQLite: one statement per event instead of a lookup and an insert (every consumer of the saga
// pays it per event). On PostgreSQL a twin in flight holds the key's lock, so this waits for it and then inserts
// nothing; SQLite runs one writer at a time. SQL Server has no ON CONFLICT: it looks up, then inserts.
async function recordInOneStatement(tx: Tx, consumer: string, eventId: string): Promise<boolean> {
  const connection = tx.manager.connection;
  const postgres = dialectOf(connection) === 'postgres';
  const values = postgres ? '($1, $2, $3)' : '(?, ?, ?)';
  // The instant as the entity's column stores it (SQLite keeps a UTC text; TypeORM formats it, not the driver).
  const processedAt = postgres
    ? new Date()
    : connection.driver.preparePersistentValue(new Date(), processedAtColumn(connection));
  const inserted: unknown[] = await tx.manager.query(
    `INSERT INTO inbox_events (consumer, event_id, processed_at) VALUES ${values} ON CONFLICT DO NOTHING RETURNING 1`,
    [consumer, eventId, processedAt],
  );
  return inserted.length === 1;
}

function processedAtColumn(connection: DataSource) {
  const column = connection.getMetadata(InboxEvent).findColumnWithPropertyName('processedAt');
  if (!column) throw new Error('the inbox entity has no processedAt column');
  return column;
}
