import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { kitMigrations } from '../../src/data/kit-migrations';
import { mssqlMigrationLock, postgresMigrationLock } from '../../src/data/migration-lock';

const run = promisify(execFile);

describe('the migration lock of PostgreSQL', () => {
  it('is a session advisory lock on a signed 64-bit key derived from the service name', () => {
    const orders = postgresMigrationLock('orders');
    expect(orders.resource).toBe('migrations:orders');
    expect(orders.acquire.sql).toBe('SELECT pg_advisory_lock($1::bigint)');
    expect(orders.release.sql).toBe('SELECT pg_advisory_unlock($1::bigint)');
    const [key] = orders.acquire.parameters as [string];
    expect(orders.release.parameters).toEqual([key]);
    const value = BigInt(key);
    expect(value >= -(2n ** 63n) && value < 2n ** 63n).toBe(true);
    // Stable across starts (every replica must compute the same key) and different for another service.
    expect(postgresMigrationLock('orders').acquire.parameters).toEqual([key]);
    expect(postgresMigrationLock('inventory').acquire.parameters).not.toEqual([key]);
  });
});

describe('the migration lock of SQL Server', () => {
  // No SQL Server runs here: the statements are checked as text, and run in `npm run test:containers`.
  const lock = mssqlMigrationLock('payments');

  it('takes an exclusive application lock owned by the session, waiting without a time limit', () => {
    expect(lock.acquire.parameters).toEqual(['migrations:payments']);
    const statements = lock.acquire.sql.split(';').map((statement) => statement.trim());
    expect(statements).toEqual([
      'DECLARE @result int',
      "EXEC @result = sp_getapplock @Resource = @0, @LockMode = 'Exclusive', @LockOwner = 'Session', @LockTimeout = -1",
      'SELECT @result AS result',
    ]);
  });

  it('releases the same resource for the same owner', () => {
    expect(lock.release).toEqual({
      sql: "EXEC sp_releaseapplock @Resource = @0, @LockOwner = 'Session'",
      parameters: ['migrations:payments'],
    });
  });
});

describe('the migration lock of SQLite', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'sqlite-migration-race-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('lets replicas in separate processes, starting at the same moment on a fresh file, run each migration once', async () => {
    const url = `sqlite:${join(directory, 'widgets.sqlite')}`;
    const script = join(__dirname, 'support', 'migrate-widgets-at.ts');
    // Far enough ahead for both processes to load; then both open the same fresh file at once.
    const startAt = String(Date.now() + 4_000);
    const replicas = await Promise.all(
      [1, 2].map(() => run(process.execPath, ['--import', 'tsx', script, url, startAt], { timeout: 60_000 })),
    );
    for (const { stdout } of replicas) {
      expect(JSON.parse(stdout)).toEqual({
        ...Object.fromEntries(kitMigrations.map((migration) => [new migration().name, 1])),
        CreateWidgets1732200000000: 1,
        SlowWidgetIndex1732200000001: 1,
      });
    }
  }, 60_000);
});
