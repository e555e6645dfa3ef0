import { createHash } from 'node:crypto';
import { type DataSource, type Migration, MigrationExecutor, type QueryRunner } from 'typeorm';
import { dialectOf } from './portable-columns';

/**
 * Replicas of a service start at the same moment on one database; without a lock each reads "nothing applied" and
 * all of them run the same migrations. The lock is held on its own connection (PostgreSQL, SQL Server) or as the
 * one write transaction SQLite allows, so the second replica waits, then finds nothing pending.
 */
export async function runMigrationsUnderLock(dataSource: DataSource, lockName: string): Promise<Migration[]> {
  const dialect = dialectOf(dataSource);
  if (dialect === 'sqlite') return runInExclusiveTransaction(dataSource);
  const runner = dataSource.createQueryRunner();
  const lock = dialect === 'postgres' ? postgresMigrationLock(lockName) : mssqlMigrationLock(lockName);
  try {
    const [answer] = (await runner.query(lock.acquire.sql, lock.acquire.parameters)) as Array<{ result?: number }>;
    if (dialect === 'mssql' && (answer?.result ?? -999) < 0) {
      throw new Error(`sp_getapplock refused the migration lock ${lock.resource} (answer ${answer?.result})`);
    }
    try {
      // On the lock's own connection: a pool of one connection cannot deadlock, and the lock is surely ours.
      const executor = new MigrationExecutor(dataSource, runner);
      executor.transaction = 'all';
      return await executor.executePendingMigrations();
    } finally {
      await runner.query(lock.release.sql, lock.release.parameters);
    }
  } finally {
    await runner.release();
  }
}

export interface MigrationLock {
  /** What is locked: `migrations:<service>`. */
  resource: string;
  acquire: { sql: string; parameters: unknown[] };
  release: { sql: string; parameters: unknown[] };
}

/** The lock's name; one per service, since replicas of different services have different databases or schemas. */
export function migrationLockResource(lockName: string): string {
  return `migrations:${lockName}`;
}

/**
 * A session-level advisory lock (held until unlocked or the connection ends, so a crashed replica frees it) on a
 * 64-bit key: the first 8 bytes of the resource's SHA-256, as a signed bigint.
 */
export function postgresMigrationLock(lockName: string): MigrationLock {
  const resource = migrationLockResource(lockName);
  const key = createHash('sha256').update(resource).digest().readBigInt64BE(0).toString();
  return {
    resource,
    acquire: { sql: 'SELECT pg_advisory_lock($1::bigint)', parameters: [key] },
    release: { sql: 'SELECT pg_advisory_unlock($1::bigint)', parameters: [key] },
  };
}

/**
 * An exclusive application lock owned by the session (not a transaction: TypeORM commits its own), waiting as long
 * as it takes. sp_getapplock answers 0 or 1 when granted and a negative number otherwise, which is selected back.
 */
export function mssqlMigrationLock(lockName: string): MigrationLock {
  const resource = migrationLockResource(lockName);
  return {
    resource,
    acquire: {
      sql:
        'DECLARE @result int; ' +
        "EXEC @result = sp_getapplock @Resource = @0, @LockMode = 'Exclusive', @LockOwner = 'Session', @LockTimeout = -1; " +
        'SELECT @result AS result',
      parameters: [resource],
    },
    release: {
      sql: "EXEC sp_releaseapplock @Resource = @0, @LockOwner = 'Session'",
      parameters: [resource],
    },
  };
}

/** How long a replica keeps asking for SQLite's write lock while another one migrates. */
const sqliteLockWaitMs = 5 * 60_000;

/**
 * SQLite has one connection per DataSource and one writer per file: BEGIN EXCLUSIVE takes the write lock before
 * anything is read, the migrations run inside it (TypeORM starts no transaction of its own: 'none'), and the
 * commit makes them visible all at once. A second process waits on the busy timeout, then asks again.
 */
async function runInExclusiveTransaction(dataSource: DataSource): Promise<Migration[]> {
  const runner: QueryRunner = dataSource.createQueryRunner();
  // What TypeORM's own migration transaction does first: tables are rebuilt with foreign keys unchecked.
  await runner.beforeMigration();
  try {
    await beginExclusive(runner);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'none' });
      await runner.query('COMMIT');
      return applied;
    } catch (error) {
      await runner.query('ROLLBACK');
      throw error;
    }
  } finally {
    await runner.afterMigration();
  }
}

async function beginExclusive(runner: QueryRunner): Promise<void> {
  await whileSqliteBusy(() => runner.query('BEGIN EXCLUSIVE'));
}

/**
 * Runs `work` again for as long as SQLite answers that another process holds the file (up to the wait for a
 * migrating replica): opening a connection sets pragmas (WAL) that SQLite refuses, without waiting on the busy
 * timeout, while another process holds the write lock.
 */
export async function whileSqliteBusy<T>(work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + sqliteLockWaitMs;
  for (;;) {
    try {
      return await work();
    } catch (error) {
      if (!isBusy(error) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

function isBusy(error: unknown): boolean {
  const cause = (error as { driverError?: { code?: string }; code?: string }).driverError ?? error;
  return (
    typeof (cause as { code?: unknown }).code === 'string' && (cause as { code: string }).code.startsWith('SQLITE_BUSY')
  );
}
