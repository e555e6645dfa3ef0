import { type DataSource, type QueryRunner, Table, TableColumn, type TableColumnOptions } from 'typeorm';

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
  /** An 8-byte IEEE float (weights and scores, never money): float(53), double precision, SQLite's REAL. */
  double(name: string): TableColumnOptions;
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
    double: (name) => ({ name, type: pick({ mssql: 'float', postgres: 'double precision', sqlite: 'real' }) }),
    increment: (name) => ({
      name,
      type: dialect === 'sqlite' ? 'integer' : 'bigint',
      isPrimary: true,
      isGenerated: true,
      generationStrategy: 'increment',
    }),
  };
}

/**
 * Adds columns to an existing table on every dialect. TypeORM's SQLite addColumn rebuilds the table from the
 * definition it is handed (losing what that definition does not declare, e.g. a partial index), so SQLite gets its
 * own `ADD COLUMN`, which keeps the rows and the indexes. Elsewhere TypeORM's addColumn (a named default constraint
 * on SQL Server) works from the declared column alone, so the DDL can be generated offline.
 * A NOT NULL column needs a `default` (a SQL literal such as `'en'`), which fills the rows already there.
 */
export async function addColumns(
  queryRunner: QueryRunner,
  table: string,
  columns: TableColumnOptions[],
): Promise<void> {
  for (const column of columns) {
    if (!column.isNullable && column.default === undefined) {
      throw new Error(`column ${table}.${column.name} is NOT NULL: it needs a default for the rows already there`);
    }
  }
  if (dialectOf(queryRunner.connection) !== 'sqlite') {
    await queryRunner.addColumns(
      new Table({ name: table }),
      columns.map((column) => new TableColumn(column)),
    );
    return;
  }
  for (const column of columns) {
    const type = column.length ? `${column.type}(${column.length})` : column.type;
    const notNull = column.isNullable ? '' : ' NOT NULL';
    const fallback = column.default === undefined ? '' : ` DEFAULT ${column.default}`;
    await queryRunner.query(`ALTER TABLE "${table}" ADD COLUMN "${column.name}" ${type}${notNull}${fallback}`);
  }
}

/** Drops columns `addColumns` added (SQLite 3.35+ drops a column in place). */
export async function dropColumns(queryRunner: QueryRunner, table: string, names: string[]): Promise<void> {
  if (dialectOf(queryRunner.connection) !== 'sqlite') {
    // SQL Server refuses to drop a column its default constraint still names; TypeORM drops that constraint first.
    for (const name of names) await queryRunner.dropColumn(table, name);
    return;
  }
  for (const name of names) await queryRunner.query(`ALTER TABLE "${table}" DROP COLUMN "${name}"`);
}
