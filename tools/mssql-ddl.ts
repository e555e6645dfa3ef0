/**
 * Writes the SQL Server DDL of every migration set to a committed .sql file, offline (SQL Server cannot run
 * on the development machines; tests compare the files with a fresh generation).
 *   npx tsx tools/mssql-ddl.ts          regenerate the files
 *   npx tsx tools/mssql-ddl.ts --check  fail if a file is stale (CI)
 * A service adds itself to `targets` with its own migrations and its own output file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { kitMigrations, type MigrationClass, mssqlDdl, mssqlScript } from '../packages/kit/src/data';
import { identityMigrations } from '../services/identity/src/infrastructure/migrations';

interface Target {
  title: string;
  migrations: MigrationClass[];
  file: string;
}

const root = join(__dirname, '..');

const targets: Target[] = [
  {
    title: 'the kit tables (kitMigrations)',
    migrations: kitMigrations,
    file: 'packages/kit/src/data/mssql/kit-migrations.sql',
  },
  {
    title: 'the identity service (identityMigrations)',
    migrations: identityMigrations,
    file: 'services/identity/src/infrastructure/mssql/identity-migrations.sql',
  },
];

async function main() {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const target of targets) {
    const path = join(root, target.file);
    const script = mssqlScript(target.title, await mssqlDdl(target.migrations));
    let current = '';
    try {
      current = readFileSync(path, 'utf8');
    } catch {}
    if (current === script) {
      console.log(`${relative(root, path)} is up to date`);
    } else if (check) {
      stale++;
      console.error(`${relative(root, path)} is stale: run npx tsx tools/mssql-ddl.ts`);
    } else {
      writeFileSync(path, script);
      console.log(`wrote ${relative(root, path)}`);
    }
  }
  if (stale > 0) process.exitCode = 1;
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
