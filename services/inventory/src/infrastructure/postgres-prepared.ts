import type { Tx } from '@shop/kit';
import { QueryFailedError } from 'typeorm';

/** The part of node-postgres' client used here: a query with a name is prepared once per connection. */
interface PreparingClient {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/**
 * Runs a statement of the hot reservation path as a named prepared statement on the transaction's PostgreSQL
 * connection: parsed and planned once per connection instead of on every call, which TypeORM's `query` does.
 * A name must always stand for the same text. Logged, and failures wrapped, as TypeORM does its own queries,
 * so that callers and the query log see no difference.
 */
export async function preparedQuery(tx: Tx, name: string, text: string, values: unknown[]): Promise<unknown[]> {
  const queryRunner = tx.manager.queryRunner;
  if (!queryRunner) throw new Error(`prepared statement ${name} needs the transaction's query runner`);
  const client = (await queryRunner.connect()) as PreparingClient;
  const { logger, options } = tx.manager.connection;
  logger.logQuery(text, values, queryRunner);
  const startedMs = Date.now();
  try {
    const { rows } = await client.query({ name, text, values });
    const tookMs = Date.now() - startedMs;
    if (options.maxQueryExecutionTime && tookMs > options.maxQueryExecutionTime) {
      logger.logQuerySlow(tookMs, text, values, queryRunner);
    }
    return rows;
  } catch (error) {
    logger.logQueryError(error as Error, text, values, queryRunner);
    throw new QueryFailedError(text, values, error as Error);
  }
}
