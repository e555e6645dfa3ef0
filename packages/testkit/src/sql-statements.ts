import type { DataSource } from 'typeorm';

/**
 * Every SQL statement the data source runs from now on, in order, for tests that prove which statements a
 * path sends. Only where one query runner runs them all (SQLite: TypeORM's better-sqlite3 driver hands out its one
 * runner), so this one throws elsewhere rather than watch a runner nothing else uses.
 */
export function recordStatements(dataSource: DataSource): string[] {
  if (dataSource.options.type !== 'better-sqlite3') {
    throw new Error(`recordStatements watches SQLite's one connection, not ${dataSource.options.type}`);
  }
  const statements: string[] = [];
  const runner = dataSource.createQueryRunner();
  const query = runner.query.bind(runner);
  runner.query = ((sql: string, ...rest: []) => {
    statements.push(sql);
    return query(sql, ...rest);
  }) as typeof runner.query;
  return statements;
}
