// A replica in its own process (SQLite's lock is between processes): waits for the instant given, so that every
// replica starts migrating at the same moment, opens the widgets' data, and prints what the migrations table holds.
import { migrationCounts, openWidgetsReplica } from './widgets';

async function main(): Promise<void> {
  const [url, startAt] = process.argv.slice(2);
  if (!url || !startAt) throw new Error('usage: migrate-widgets-at <database URL> <epoch ms to start at>');
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
  const db = await openWidgetsReplica(url);
  process.stdout.write(JSON.stringify(await migrationCounts(db)));
  await db.destroy();
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
