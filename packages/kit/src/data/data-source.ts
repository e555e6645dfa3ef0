import { DataSource, type DataSourceOptions, type EntitySchema, type MigrationInterface } from 'typeorm';
import type { Logger } from '../log/logger';
import { setIdempotencyTtl } from './idempotency';
import { kitEntities } from './kit-entities';
import { kitMigrations } from './kit-migrations';
import { runMigrationsUnderLock, whileSqliteBusy } from './migration-lock';
import { queryLogger } from './query-logger';
import { cacheQueryTexts } from './query-text-cache';
import { sqliteBindingOptions } from './sqlite-binding';
import { bindIntegerParameters, sqliteStatementCacheSize } from './sqlite-statements';

export type MigrationClass = new () => MigrationInterface;

export interface DataSourceSettings {
  /** The service's EntitySchemas; the kit's own (outbox, inbox, idempotency keys) are always added. */
  entities: EntitySchema[];
  /** The service's migrations; kitMigrations run first whether listed or not. */
  migrations: MigrationClass[];
  logger?: Logger;
  /** Connections in the pool (PostgreSQL, SQL Server); SQLite has exactly one. */
  poolSize?: number;
  /** A query slower than this is logged as a warning. */
  slowQueryMs?: number;
  /** How long idempotency records answer retries (IDEMPOTENCY_TTL_HOURS); 24 when not given. */
  idempotencyTtlHours?: number;
  /** false leaves the migrations to the caller (openDataSource runs them under a lock); true when not given. */
  migrationsRun?: boolean;
}

const sqliteBusyTimeoutMs = 5_000;

/**
 * A TypeORM DataSource from one URL: `sqlite:<path>` or `sqlite::memory:`, `postgres://…` (or
 * `postgresql://`), `mssql://user:pass@host:port/db?encrypt=true&trustServerCertificate=false`.
 * `initialize()` runs the pending migrations; the schema is never synchronized from the entities.
 */
export function createDataSource(url: string, settings: DataSourceSettings): DataSource {
  cacheQueryTexts();
  const entities = unique([...kitEntities, ...settings.entities]);
  const migrations = unique<MigrationClass>([...kitMigrations, ...settings.migrations]);
  const dataSource = new DataSource({
    ...connectionOptions(url, settings.poolSize),
    entities,
    migrations,
    migrationsRun: settings.migrationsRun ?? true,
    synchronize: false,
    maxQueryExecutionTime: settings.slowQueryMs ?? 1_000,
    ...(settings.logger ? { logger: queryLogger(settings.logger) } : {}),
  } as DataSourceOptions);
  if (dataSource.driver.options.type === 'better-sqlite3') bindIntegerParameters(dataSource);
  if (settings.idempotencyTtlHours !== undefined) setIdempotencyTtl(dataSource, settings.idempotencyTtlHours);
  return dataSource;
}

/**
 * Opens a service's DataSource and brings its schema up to date under a lock named after the service, so replicas
 * starting together on one database run each migration once (see runMigrationsUnderLock). The host calls it.
 */
export async function openDataSource(
  url: string,
  settings: DataSourceSettings & { lockName: string },
): Promise<DataSource> {
  const { lockName, ...rest } = settings;
  // A fresh DataSource each try: one whose connection failed to open is not opened again.
  const dataSource = await whileSqliteBusy(async () => {
    const candidate = createDataSource(url, { ...rest, migrationsRun: false });
    await candidate.initialize();
    return candidate;
  });
  try {
    await runMigrationsUnderLock(dataSource, lockName);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}

type ConnectionOptions =
  | {
      type: 'better-sqlite3';
      database: string;
      enableWAL: boolean;
      timeout: number;
      statementCacheSize: number;
      prepareDatabase: (db: { pragma(statement: string): unknown }) => void;
      nativeBinding?: string;
    }
  | { type: 'postgres'; url: string; poolSize?: number }
  | {
      type: 'mssql';
      host: string;
      port: number;
      username: string;
      password: string;
      database: string;
      pool?: { max: number };
      options: { encrypt: boolean; trustServerCertificate: boolean };
    };

/** The driver part of the options. Errors name the problem but never repeat the URL: it may hold a password. */
export function connectionOptions(url: string, poolSize?: number): ConnectionOptions {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'sqlite') {
    const rest = url.slice('sqlite:'.length);
    const database = rest === ':memory:' ? ':memory:' : rest.startsWith('//') ? rest.slice(2) : rest;
    if (!database) throw new Error('database URL sqlite: has no file path (use sqlite:<path> or sqlite::memory:)');
    // better-sqlite3's timeout is SQLite's busy timeout; WAL lets readers go on while one writer commits.
    // In WAL mode synchronous=NORMAL syncs at checkpoints instead of every commit (0.14 → 0.014 ms per commit
    // here): a commit survives the process crashing; only an OS crash or power cut can drop the last commits,
    // and the file stays consistent. SQLite is the embedded (single-machine) topology's store.
    return {
      type: 'better-sqlite3',
      database,
      enableWAL: database !== ':memory:',
      timeout: sqliteBusyTimeoutMs,
      statementCacheSize: sqliteStatementCacheSize,
      prepareDatabase: (db: { pragma(statement: string): unknown }) => void db.pragma('synchronous = NORMAL'),
      ...sqliteBindingOptions(),
    };
  }
  if (scheme === 'postgres' || scheme === 'postgresql') {
    const parsed = parseUrl(url, scheme);
    if (!parsed.hostname) throw new Error(`database URL ${scheme}:// has no host`);
    if (parsed.pathname.length <= 1) throw new Error(`database URL ${scheme}:// has no database name`);
    return { type: 'postgres', url, ...(poolSize ? { poolSize } : {}) };
  }
  if (scheme === 'mssql' || scheme === 'sqlserver') {
    const parsed = parseUrl(url, scheme);
    const database = decodeURIComponent(parsed.pathname.slice(1));
    if (!parsed.hostname) throw new Error(`database URL ${scheme}:// has no host`);
    if (!database) throw new Error(`database URL ${scheme}:// has no database name`);
    return {
      type: 'mssql',
      host: parsed.hostname,
      port: parsed.port ? Number(parsed.port) : 1433,
      username: decodeURIComponent(parsed.username),
      password: decodeURIComponent(parsed.password),
      database,
      ...(poolSize ? { pool: { max: poolSize } } : {}),
      options: {
        encrypt: flag(parsed, 'encrypt', true),
        trustServerCertificate: flag(parsed, 'trustServerCertificate', false),
      },
    };
  }
  throw new Error(
    `database URL scheme ${scheme ? `"${scheme}:"` : '(none)'} is not supported: use sqlite:<path>, sqlite::memory:, postgres://… or mssql://…`,
  );
}

function parseUrl(url: string, scheme: string): URL {
  try {
    return new URL(url);
  } catch {
    throw new Error(`database URL ${scheme}:// is not a valid URL`);
  }
}

function flag(url: URL, name: string, fallback: boolean): boolean {
  const value = url.searchParams.get(name);
  if (value === null) return fallback;
  if (value === 'true' || value === '1' || value === 'yes') return true;
  if (value === 'false' || value === '0' || value === 'no') return false;
  throw new Error(`database URL parameter ${name} must be true or false`);
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
