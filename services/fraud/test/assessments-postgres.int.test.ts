import { join, resolve } from 'node:path';
import { type PostgresServer, startPostgres } from '@shop/testkit/src/postgres';
import { assessmentContract } from './support/assessment-contract';

const logDir = join(resolve(__dirname, '../../..'), '.tmp/test-logs/fraud-postgres');
let postgres: PostgresServer | undefined;

assessmentContract('PostgreSQL', async () => {
  postgres = await startPostgres({ logDir });
  return { url: await postgres.createDatabase('fraud'), close: async () => postgres?.stop() };
});
