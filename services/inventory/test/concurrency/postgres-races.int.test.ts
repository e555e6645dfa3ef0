import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { type PostgresServer, startPostgres } from '@shop/testkit/src/postgres';
import { openInventoryDb } from '../support/inventory-db';
import { describeStockRaces } from './stock-races';

const logDir = join(resolve(__dirname, '../../../..'), '.tmp/test-logs/inventory-races');
let server: PostgresServer;

beforeAll(async () => {
  server = await startPostgres({ logDir });
}, 180_000);
afterAll(() => server?.stop(), 60_000);

// Two pools on one database, as two replicas of the service would have; each pool has 10 connections.
describeStockRaces('PostgreSQL', async () => {
  const url = await server.createDatabase(`inventory_${randomUUID().slice(0, 8)}`);
  const primary = await openInventoryDb(url, 10);
  const replica = await openInventoryDb(url, 10);
  return { primary, replica };
});
