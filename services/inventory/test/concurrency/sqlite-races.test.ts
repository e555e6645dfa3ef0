import { openInventoryDb } from '../support/inventory-db';
import { describeStockRaces } from './stock-races';

// SQLite has one writer; the kit runs a DataSource's transactions one after another, so "replicas" share it.
describeStockRaces('SQLite', async () => {
  const db = await openInventoryDb('sqlite::memory:');
  return { primary: db, replica: db };
});
