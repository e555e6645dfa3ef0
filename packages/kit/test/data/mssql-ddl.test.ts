import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kitMigrations, mssqlDdl, mssqlScript } from '../../src/data';

const committedFile = join(__dirname, '../../src/data/mssql/kit-migrations.sql');

describe('SQL Server DDL of the kit migrations', () => {
  let statements: string[];
  beforeAll(async () => {
    statements = (await mssqlDdl(kitMigrations)).filter((statement) => !statement.startsWith('-- '));
  });

  it('matches the committed script (regenerate with npx tsx tools/mssql-ddl.ts)', async () => {
    const script = mssqlScript('the kit tables (kitMigrations)', await mssqlDdl(kitMigrations));
    expect(script).toBe(readFileSync(committedFile, 'utf8'));
  });

  it('creates every kit table with a primary key', () => {
    const tables = statements.filter((statement) => statement.startsWith('CREATE TABLE'));
    expect(tables.map((statement) => /^CREATE TABLE "(\w+)"/.exec(statement)?.[1])).toEqual([
      'outbox_events',
      'inbox_events',
      'idempotency_keys',
    ]);
    for (const table of tables) expect(table).toMatch(/CONSTRAINT "PK_\w+" PRIMARY KEY \(/);
  });

  it('uses SQL Server types only', () => {
    const types = new Set<string>();
    for (const statement of statements.filter((s) => s.startsWith('CREATE TABLE'))) {
      // A column definition opens the list or follows a comma: `("seq" bigint NOT NULL ..., "id" nvarchar(36) ...`
      for (const match of statement.matchAll(/(?:\(|, )"\w+" (\w+)/g)) types.add(match[1] ?? '');
    }
    const sqlServerTypes = ['bigint', 'int', 'bit', 'nvarchar', 'datetime2', 'datetimeoffset', 'uniqueidentifier'];
    expect([...types].filter((type) => !sqlServerTypes.includes(type))).toEqual([]);
    expect([...types]).toEqual(expect.arrayContaining(['bigint', 'int', 'nvarchar', 'datetime2']));
  });

  it('has no PostgreSQL-only or SQLite-only syntax', () => {
    const foreign = [
      /\bSERIAL\b/i,
      /\bAUTOINCREMENT\b/i,
      /\btimestamptz\b/i,
      /\btimestamp with/i,
      /\bboolean\b/i,
      /\btext\b/i,
      /\bjsonb?\b/i,
      /\bvarchar\(/, // SQL Server strings here are Unicode: nvarchar
      /::\w/,
      /\bRETURNING\b/i,
      /\bON CONFLICT\b/i,
      /\bIF NOT EXISTS\b/i,
      /`/,
      /\bWITHOUT ROWID\b/i,
    ];
    for (const statement of statements) for (const pattern of foreign) expect(statement).not.toMatch(pattern);
    const ddl = statements.join('\n');
    expect(ddl).toMatch(/"seq" bigint NOT NULL IDENTITY\(1,1\)/);
    expect(ddl).toMatch(/"payload" nvarchar\(MAX\) NOT NULL/);
  });
});
