import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mssqlDdl, mssqlScript } from '@shop/kit';
import { identityMigrations } from '../src/infrastructure/migrations';

describe('SQL Server DDL of the identity migrations', () => {
  it('matches the committed script (regenerate with npx tsx tools/mssql-ddl.ts)', async () => {
    const script = mssqlScript('the identity service (identityMigrations)', await mssqlDdl(identityMigrations));
    expect(script).toBe(readFileSync(join(__dirname, '../src/infrastructure/mssql/identity-migrations.sql'), 'utf8'));
  });

  it('keeps every indexed column under SQL Server key limits and uses Unicode text', async () => {
    const statements = await mssqlDdl(identityMigrations);
    const ddl = statements.join('\n');
    expect(ddl).not.toMatch(/\bvarchar\(/);
    expect(ddl).toContain('CONSTRAINT "UQ_customers_email" UNIQUE ("email")');
    expect(ddl).toContain('"email" nvarchar(254) NOT NULL');
  });
});
