import { AsyncLocalStorage } from 'node:async_hooks';
import type { EventEnvelope } from '@shop/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import { currentTraceparent } from '../tracing/tracing';
import { OutboxEvent } from './kit-entities';
import { kitLimits } from './kit-migrations';
import { dialectOf } from './portable-columns';

/** What a transaction's callback works with. */
export interface Tx {
  /** Every read and write of the transaction goes through this manager. */
  readonly manager: EntityManager;
  /**
   * Writes the event to the outbox in this transaction (the rows go in with one INSERT right before COMMIT);
   * the relay publishes it once the transaction commits. Throws at once for an event the outbox cannot hold.
   */
  outbox(topic: string, event: EventEnvelope): Promise<void>;
  /** Rolls the transaction back but still answers `value`: a business failure is a value, not an exception. */
  rollbackWith<V>(value: V): V;
}

export interface TransactionOutcome<T> {
  committed: boolean;
  value: T;
}

const outboxRowsPerInsert = 100;
/**
 * The DataSources whose transaction the current async call chain is in, for refusing nested transactions.
 * Only in the test suite (NODE_ENV=test, which jest sets and the platforms the suites start inherit): before
 * Node 24, AsyncLocalStorage turns on Node's async hooks for the whole process, which then run on every promise
 * and every tick (~4 µs of a ~25 µs cached read at a fixed request rate; `npm start` delivered 0.75-0.87x a bare
 * ws server's hub broadcasts with it). A nested call is a programming error that the suite finds, so neither
 * `npm start` (development) nor production pays for the check.
 */
const active = process.env.NODE_ENV === 'test' ? new AsyncLocalStorage<ReadonlySet<DataSource>>() : undefined;
const sqliteQueues = new WeakMap<DataSource, Promise<unknown>>();
const commitListeners = new WeakMap<DataSource, Set<() => void>>();
/** Per transaction: notes that a statement of the caller's own writes outbox rows (outboxRowForStatement). */
const ownOutboxWrites = new WeakMap<Tx, () => void>();

function inTransactionOn<T>(
  dataSource: DataSource,
  outer: ReadonlySet<DataSource> | undefined,
  work: () => Promise<T>,
): Promise<T> {
  return active ? active.run(new Set([...(outer ?? []), dataSource]), work) : work();
}

/**
 * Runs `work` as inside a transaction on `dataSource` for the nested-transaction check: for work that a transaction
 * runs in another async context than its own (the inbox's group commit runs each event in its delivery's context).
 */
export function insideTransactionOf<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  return inTransactionOn(dataSource, active?.getStore(), work);
}

/**
 * Runs `work` in one database transaction: it commits when `work` returns, rolls back when it throws
 * (rethrowing) or when it returned through `tx.rollbackWith(value)`. After a commit that wrote outbox rows,
 * the relays of this DataSource are woken so that publishing starts at once.
 */
export async function transaction<T>(dataSource: DataSource, work: (tx: Tx) => Promise<T>): Promise<T> {
  return (await runTransaction(dataSource, work)).value;
}

/** `transaction`, also saying whether it committed (the inbox and the idempotency store need to know). */
export async function runTransaction<T>(
  dataSource: DataSource,
  work: (tx: Tx) => Promise<T>,
): Promise<TransactionOutcome<T>> {
  const outer = active?.getStore();
  if (outer?.has(dataSource)) {
    // On PostgreSQL a nested call would take a second connection and could wait on the first one's locks
    // forever; on SQLite it would wait on itself. Pass `tx` down instead.
    throw new Error('transaction() called inside a transaction on the same DataSource: pass the outer tx instead');
  }
  let wroteOutbox = false;
  const outcome = await exclusive(dataSource, () =>
    inTransactionOn(dataSource, outer, async () => {
      const queryRunner = dataSource.createQueryRunner();
      let rollbackRequested = false;
      // Written in one INSERT just before COMMIT: fewer round trips, and none while a hot row's lock is held.
      const pendingOutbox: ReturnType<typeof outboxRow>[] = [];
      const tx: Tx = {
        manager: queryRunner.manager,
        async outbox(topic, event) {
          pendingOutbox.push(outboxRow(topic, event));
        },
        rollbackWith(value) {
          rollbackRequested = true;
          return value;
        },
      };
      ownOutboxWrites.set(tx, () => {
        wroteOutbox = true;
      });
      try {
        await queryRunner.startTransaction();
        let value: T;
        try {
          value = await work(tx);
        } catch (error) {
          await queryRunner.rollbackTransaction().catch(() => undefined);
          throw error;
        }
        if (rollbackRequested) {
          await queryRunner.rollbackTransaction();
          return { committed: false, value };
        }
        if (pendingOutbox.length > 0) {
          try {
            // SQL Server takes at most 2,100 parameters per statement: 13 columns a row, so 100 rows at a time.
            for (let start = 0; start < pendingOutbox.length; start += outboxRowsPerInsert) {
              await queryRunner.manager.insert(OutboxEvent, pendingOutbox.slice(start, start + outboxRowsPerInsert));
            }
          } catch (error) {
            await queryRunner.rollbackTransaction().catch(() => undefined);
            throw error;
          }
          wroteOutbox = true;
        }
        await queryRunner.commitTransaction();
        return { committed: true, value };
      } finally {
        await queryRunner.release();
      }
    }),
  );
  if (outcome.committed && wroteOutbox) notifyCommit(dataSource);
  return outcome;
}

/**
 * Runs `work` on the DataSource's own manager outside any transaction: on SQLite in its turn of the kit's queue, so
 * that no transaction is open on the one connection while its statements run, each of them committing on its own.
 * autocommit() uses it; a call inside a transaction on the same DataSource is refused as transaction() refuses it.
 */
export function withoutTransaction<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  const outer = active?.getStore();
  if (outer?.has(dataSource)) {
    throw new Error('autocommit() called inside a transaction on the same DataSource: pass the outer tx instead');
  }
  return exclusive(dataSource, () => inTransactionOn(dataSource, outer, () => work(dataSource.manager)));
}

/**
 * The outbox row of `event`, for a store that writes it with a statement of its own: in the same statement as
 * the change it announces, so that no round trip but the COMMIT runs while that change's row locks are held.
 * The row is validated as `tx.outbox` validates it, and the relays are woken after the commit as they are for
 * `tx.outbox` (at worst for nothing, when the statement's condition left the row out).
 */
export function outboxRowForStatement(tx: Tx, topic: string, event: EventEnvelope): OutboxRow {
  const row = outboxRow(topic, event);
  ownOutboxWrites.get(tx)?.();
  return row;
}

/**
 * Calls `listener` after every commit on this DataSource that wrote outbox rows; answers the unsubscribe.
 * The relay uses it to publish at once rather than at its next poll.
 */
export function onOutboxCommit(dataSource: DataSource, listener: () => void): () => void {
  let listeners = commitListeners.get(dataSource);
  if (!listeners) {
    listeners = new Set();
    commitListeners.set(dataSource, listeners);
  }
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function notifyCommit(dataSource: DataSource): void {
  for (const listener of commitListeners.get(dataSource) ?? []) {
    try {
      listener();
    } catch {
      // A listener's failure is its own; the transaction has committed.
    }
  }
}

/**
 * TypeORM's SQLite driver has one connection and one query runner for everyone: two transactions at once
 * would interleave on it (the second becoming a savepoint of the first). So on SQLite the kit runs its
 * transactions one after another. PostgreSQL and SQL Server have a pool and need no queue.
 */
async function exclusive<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  if (dialectOf(dataSource) !== 'sqlite') return work();
  const previous = sqliteQueues.get(dataSource) ?? Promise.resolve();
  const result = previous.then(work, work);
  sqliteQueues.set(
    dataSource,
    result.then(
      () => undefined,
      () => undefined,
    ),
  );
  return result;
}

/** An outbox_events row as its entity spells it, less the generated `seq`. */
export type OutboxRow = ReturnType<typeof outboxRow>;

function outboxRow(topic: string, event: EventEnvelope) {
  if (!topic || topic.length > kitLimits.topicLength)
    throw new Error(`outbox topic must be 1-${kitLimits.topicLength} characters`);
  if (!event.id || event.id.length > kitLimits.eventIdLength)
    throw new Error(`event id must be 1-${kitLimits.eventIdLength} characters`);
  if (!event.type || event.type.length > kitLimits.eventTypeLength)
    throw new Error(`event type must be 1-${kitLimits.eventTypeLength} characters`);
  const occurredAt = new Date(event.occurredAt);
  if (Number.isNaN(occurredAt.getTime())) throw new Error(`event ${event.id} has no valid occurredAt`);
  const traceparent = currentTraceparent();
  return {
    id: event.id,
    topic,
    type: event.type,
    payload: JSON.stringify(event.data ?? null),
    occurredAt,
    createdAt: new Date(),
    publishedAt: null,
    attempts: 0,
    lastError: null,
    lockedBy: null,
    lockedUntil: null,
    traceparent: traceparent && traceparent.length <= kitLimits.traceparentLength ? traceparent : null,
  };
}
