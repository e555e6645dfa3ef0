import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mssqlDdl, mssqlScript } from '@shop/kit';
import { mssqlTargets, repositoryRoot } from '../../../tools/mssql-targets';

describe.each(mssqlTargets)('SQL Server DDL of $title', (target) => {
  let statements: string[];
  beforeAll(async () => {
    statements = await mssqlDdl(target.migrations);
  });

  it('matches the committed script (regenerate with npx tsx tools/mssql-ddl.ts)', () => {
    expect(mssqlScript(target.title, statements)).toBe(readFileSync(join(repositoryRoot, target.file), 'utf8'));
  });

  it('stores text as Unicode and gives every table a primary key', () => {
    const ddl = statements.join('\n');
    expect(ddl).not.toMatch(/\bvarchar\(/);
    for (const table of statements.filter((statement) => statement.startsWith('CREATE TABLE'))) {
      expect(table).toMatch(/CONSTRAINT "PK_\w+" PRIMARY KEY \(/);
    }
  });
});
