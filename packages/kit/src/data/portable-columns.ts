import type { DataSource, QueryRunner, TableColumnOptions } from 'typeorm';

export type Dialect = 'postgres' | 'sqlite' | 'mssql';

/** Which of the three supported databases a DataSource talks to. */
export function dialectOf(dataSource: DataSource): Dialect {
  const type = dataSource.options.type;
  if (type === 'postgres') return 'postgres';
  if (type === 'better-sqlite3') return 'sqlite';
  if (type === 'mssql') return 'mssql';
  throw new Error(`database type ${type} is not one the kit supports (postgres, better-sqlite3, mssql)`);
}

export interface PortableColumns {
  /** Bounded text: nvarchar(n) on SQL Server (Unicode), varchar(n) elsewhere. */
  string(name: string, length: number): TableColumnOptions;
  /** Unbounded text: nvarchar(MAX) on SQL Server, text elsewhere. */
  text(name: string): TableColumnOptions;
  /** An instant, always written in UTC: datetime2, timestamptz, or SQLite's datetime text. */
  timestamp(name: string): TableColumnOptions;
  integer(name: string): TableColumnOptions;
  bigint(name: string): TableColumnOptions;
  boolean(name: string): TableColumnOptions;
  /** A generated, increasing primary key (SQLite allows AUTOINCREMENT only on INTEGER). */
  increment(name: string): TableColumnOptions;
}

/**
 * Column types that mean the same on every dialect, so that one migration serves SQL Server, PostgreSQL
 * and SQLite. Columns are NOT NULL unless the caller spreads `isNullable: true` over them.
 */
export function portableColumns(queryRunner: QueryRunner): PortableColumns {
  const dialect = dialectOf(queryRunner.connection);
  const pick = (types: Record<Dialect, string>) => types[dialect];
  return {
    string: (name, length) => ({
      name,
      type: pick({ mssql: 'nvarchar', postgres: 'varchar', sqlite: 'varchar' }),
      length: String(length),
    }),
    text: (name) => (dialect === 'mssql' ? { name, type: 'nvarchar', length: 'MAX' } : { name, type: 'text' }),
    timestamp: (name) => ({ name, type: pick({ mssql: 'datetime2', postgres: 'timestamptz', sqlite: 'datetime' }) }),
    integer: (name) => ({ name, type: pick({ mssql: 'int', postgres: 'integer', sqlite: 'integer' }) }),
    bigint: (name) => ({ name, type: 'bigint' }),
    boolean: (name) => ({ name, type: pick({ mssql: 'bit', postgres: 'boolean', sqlite: 'boolean' }) }),
    increment: (name) => ({
      name,
      type: dialect === 'sqlite' ? 'integer' : 'bigint',
      isPrimary: true,
      isGenerated: true,
      generationStrategy: 'increment',
    }),
  };
}
