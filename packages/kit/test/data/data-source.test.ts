import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectionOptions } from '../../src/data';
import { CreateWidgets1732200000000, openWidgets } from './support/widgets';

describe('createDataSource', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kit-data-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads sqlite file and memory URLs', () => {
    expect(connectionOptions('sqlite:./.data/orders.sqlite')).toMatchObject({
      type: 'better-sqlite3',
      database: './.data/orders.sqlite',
      enableWAL: true,
    });
    expect(connectionOptions('sqlite:///var/lib/shop/orders.sqlite')).toMatchObject({
      database: '/var/lib/shop/orders.sqlite',
    });
    expect(connectionOptions('sqlite::memory:')).toMatchObject({ database: ':memory:', enableWAL: false });
  });

  it('reads postgres and mssql URLs', () => {
    expect(connectionOptions('postgresql://u:p@db:5432/orders')).toEqual({
      type: 'postgres',
      url: 'postgresql://u:p@db:5432/orders',
    });
    expect(
      connectionOptions('mssql://sa:p%40ss@sql.local:14330/orders?encrypt=false&trustServerCertificate=true'),
    ).toEqual({
      type: 'mssql',
      host: 'sql.local',
      port: 14330,
      username: 'sa',
      password: 'p@ss',
      database: 'orders',
      options: { encrypt: false, trustServerCertificate: true },
    });
    expect(connectionOptions('mssql://sa:x@sql.local/orders')).toMatchObject({
      port: 1433,
      options: { encrypt: true, trustServerCertificate: false },
    });
  });

  it('names the scheme problem of a bad URL without repeating its password', () => {
    expect(() => connectionOptions('mysql://root:secret@db/orders')).toThrow(/scheme "mysql:" is not supported/);
    expect(() => connectionOptions('mysql://root:secret@db/orders')).not.toThrow(/secret/);
    expect(() => connectionOptions('orders.sqlite')).toThrow(/scheme \(none\) is not supported/);
    expect(() => connectionOptions('sqlite:')).toThrow(/no file path/);
    expect(() => connectionOptions('postgres://u:p@db')).toThrow(/no database name/);
    expect(() => connectionOptions('mssql://u:p@db/x?encrypt=maybe')).toThrow(/encrypt must be true or false/);
  });

  it('runs the migrations on SQLite, and starting again runs none twice', async () => {
    const url = `sqlite:${join(dir, 'twice.sqlite')}`;
    const first = await openWidgets(url);
    const tables = async () =>
      (await first.query(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)).map(
        (row: { name: string }) => row.name,
      );
    expect(await tables()).toEqual(
      expect.arrayContaining(['idempotency_keys', 'inbox_events', 'migrations', 'outbox_events', 'widgets']),
    );
    await first.destroy();

    const second = await openWidgets(url);
    expect(await second.showMigrations()).toBe(false);
    const ran = await second.query('SELECT name FROM migrations ORDER BY timestamp');
    expect(ran.map((row: { name: string }) => row.name)).toEqual([
      'CreateOutboxEvents1732100000000',
      'CreateInboxEvents1732100000001',
      'CreateIdempotencyKeys1732100000002',
      'AddOutboxTraceparent1732100000003',
      'CreateDeadLetters1732100000004',
      CreateWidgets1732200000000.name,
    ]);
    await second.destroy();
  });

  it('opens SQLite files in WAL mode with foreign keys on and a busy timeout', async () => {
    const dataSource = await openWidgets(`sqlite:${join(dir, 'pragmas.sqlite')}`);
    const pragma = async (name: string) => Object.values((await dataSource.query(`PRAGMA ${name}`))[0])[0];
    expect(await pragma('journal_mode')).toBe('wal');
    expect(await pragma('foreign_keys')).toBe(1);
    expect(await pragma('busy_timeout')).toBe(5000);
    await dataSource.destroy();
  });
});
