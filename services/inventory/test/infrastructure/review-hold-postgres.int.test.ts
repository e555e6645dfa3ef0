import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { type PostgresServer, startPostgres } from '@shop/testkit/src/postgres';
import { describeReviewHold } from '../application/review-hold-contract';
import { openInventoryDb } from '../support/inventory-db';

const logDir = join(resolve(__dirname, '../../../..'), '.tmp/test-logs/inventory-review-hold');
let server: PostgresServer;

beforeAll(async () => {
  server = await startPostgres({ logDir });
}, 180_000);
afterAll(() => server?.stop(), 60_000);

describeReviewHold('PostgreSQL', async () =>
  openInventoryDb(await server.createDatabase(`inventory_${randomUUID().slice(0, 8)}`), 10),
);
