/**
 * Writes the SQL Server DDL of every migration set to a committed .sql file, offline (SQL Server cannot run
 * on the development machines; tests compare the files with a fresh generation).
 *   npx tsx tools/mssql-ddl.ts          regenerate the files
 *   npx tsx tools/mssql-ddl.ts --check  fail if a file is stale (CI)
 * A service adds itself to tools/mssql-targets.ts with its own migrations and its own output file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { mssqlDdl, mssqlScript } from '../packages/kit/src/data';
import { repositoryRoot, mssqlTargets as targets } from './mssql-targets';

async function main() {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const target of targets) {
    const path = join(repositoryRoot, target.file);
    const script = mssqlScript(target.title, await mssqlDdl(target.migrations));
    let current = '';
    try {
      current = readFileSync(path, 'utf8');
    } catch {}
    if (current === script) {
      console.log(`${relative(repositoryRoot, path)} is up to date`);
    } else if (check) {
      stale++;
      console.error(`${relative(repositoryRoot, path)} is stale: run npx tsx tools/mssql-ddl.ts`);
    } else {
      writeFileSync(path, script);
      console.log(`wrote ${relative(repositoryRoot, path)}`);
    }
  }
  if (stale > 0) process.exitCode = 1;
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
