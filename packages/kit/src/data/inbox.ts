import type { DataSource } from 'typeorm';
import { isUniqueViolation } from './constraint-violations';
import { countInboxDuplicate } from './data-metrics';
import { InboxEvent } from './kit-entities';
import { kitLimits } from './kit-migrations';
import { dialectOf } from './portable-columns';
import { runTransaction, type Tx } from './unit-of-work';

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
  if (!consumer || consumer.length > kitLimits.consumerLength) {
    throw new Error(`inbox consumer name must be 1-${kitLimits.consumerLength} characters`);
  }
  if (!eventId || eventId.length > kitLimits.inboxEventIdLength) {
    throw new Error(`inbox event id must be 1-${kitLimits.inboxEventIdLength} characters`);
  }
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
