import { DataSource } from 'typeorm';
import type { MigrationClass } from './data-source';

/**
 * The SQL Server DDL of migrations, generated without a server: the migrations run against the query
 * runner of an mssql DataSource that is never connected, in TypeORM's SQL-memory mode (the schema builder
 * records each statement instead of executing it). A migration that needs the live database (reads the
 * schema, runs a raw query) fails here by design: it could not be reviewed or applied from the script.
 */
export async function mssqlDdl(migrations: MigrationClass[]): Promise<string[]> {
  const dataSource = new DataSource({
    type: 'mssql',
    host: 'offline.invalid',
    username: 'offline',
    password: 'offline',
    database: 'offline',
  });
  const queryRunner = dataSource.createQueryRunner();
  queryRunner.enableSqlMemory();
  queryRunner.query = async (query: string) => {
    throw new Error(`generating DDL offline, a migration tried to run a query: ${query.slice(0, 200)}`);
  };
  const statements: string[] = [];
  for (const migration of sortByTimestamp(migrations)) {
    const before = queryRunner.getMemorySql().upQueries.length;
    await new migration().up(queryRunner);
    const added = queryRunner.getMemorySql().upQueries.slice(before);
    statements.push(`-- ${migration.name}`, ...added.map((query) => query.query.trim()));
  }
  return statements;
}

/** A reviewable script: one statement per batch, as sqlcmd and SSMS run it. */
export function mssqlScript(title: string, statements: string[]): string {
  const header = [
    `-- SQL Server DDL of ${title}.`,
    '-- Generated from the migrations by `npx tsx tools/mssql-ddl.ts`; do not edit by hand.',
  ];
  const body = statements.map((statement) => (statement.startsWith('-- ') ? `\n${statement}` : `${statement};\nGO`));
  return `${[...header, ...body].join('\n')}\n`;
}

// TypeORM runs migrations in the order of the timestamp that ends their name.
function sortByTimestamp(migrations: MigrationClass[]): MigrationClass[] {
  const timestamp = (migration: MigrationClass) => {
    const found = /(\d{13})$/.exec(new migration().name ?? migration.name)?.[1];
    if (!found) throw new Error(`migration ${migration.name} has no 13-digit timestamp at the end of its name`);
    return Number(found);
  };
  return [...migrations].sort((a, b) => timestamp(a) - timestamp(b));
}
