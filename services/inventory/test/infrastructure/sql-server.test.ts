import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mssqlDdl, mssqlScript, type Tx } from '@shop/kit';
import { DataSource } from 'typeorm';
import { stockReserved } from '../../src/domain/inventory-events';
import { inventoryEntities } from '../../src/infrastructure/entities';
import { inventoryMigrations } from '../../src/infrastructure/migrations';
import { TypeOrmStockStore } from '../../src/infrastructure/typeorm-stock-store';

function stockRow(productId: string) {
  const at = new Date();
  return {
    product_id: productId,
    on_hand: 10,
    reserved: 1,
    version: 2,
    discontinued_at: null,
    created_at: at,
    updated_at: at,
  };
}

// SQL Server cannot run here: its DDL is generated offline and checked, and so are the statements the store
// sends, recorded from a query runner that is never connected.

const committedFile = join(__dirname, '../../src/infrastructure/mssql/inventory-migrations.sql');

describe('the inventory schema on SQL Server', () => {
  it('matches the committed script (regenerate it with mssqlScript(mssqlDdl(inventoryMigrations)))', async () => {
    const script = mssqlScript('the inventory service (inventoryMigrations)', await mssqlDdl(inventoryMigrations));
    expect(script).toBe(readFileSync(committedFile, 'utf8'));
  });

  it('uses SQL Server types only, and keeps the levels invariant as a CHECK constraint', async () => {
    const statements = (await mssqlDdl(inventoryMigrations)).filter((statement) => !statement.startsWith('-- '));
    const types = new Set<string>();
    for (const statement of statements.filter((s) => s.startsWith('CREATE TABLE'))) {
      for (const match of statement.matchAll(/(?:\(|, )"\w+" (\w+)/g)) types.add(match[1] ?? '');
    }
    expect([...types].sort()).toEqual(['datetime2', 'int', 'nvarchar']);
    expect(statements.join('\n')).toContain('CHECK (reserved >= 0 AND on_hand >= reserved)');
    expect(statements.join('\n')).toContain('CONSTRAINT "UQ_reservations_order_id" UNIQUE ("order_id")');
  });
});

describe('the stock store on SQL Server', () => {
  let statements: string[];
  let reservationStatements: string[];

  beforeAll(async () => {
    const offline = new DataSource({
      type: 'mssql',
      host: 'offline.invalid',
      username: 'offline',
      password: 'offline',
      database: 'offline',
      entities: inventoryEntities,
    });
    // Entity metadata without a connection: what initialize() would build before connecting.
    await (offline as unknown as { buildMetadatas(): Promise<void> }).buildMetadatas();
    const queryRunner = offline.createQueryRunner();
    statements = [];
    queryRunner.query = (async (sql: string, parameters: unknown[] = [], structured?: boolean) => {
      statements.push(sql);
      // A counter UPDATE answers its row through OUTPUT, as SQL Server would.
      const productParameter = /UPDATE "stock_items" .* OUTPUT .* WHERE "product_id" = @(\d+)/.exec(sql)?.[1];
      const raw = productParameter === undefined ? [] : [stockRow(String(parameters[Number(productParameter)]))];
      return structured ? { records: raw, raw, affected: 1 } : raw;
    }) as typeof queryRunner.query;
    // As inside the kit's transaction(): one transaction open, so nested ones become savepoints.
    Object.assign(queryRunner, { isTransactionActive: true, transactionDepth: 1 });
    const tx: Tx = { manager: queryRunner.manager, outbox: async () => {}, rollbackWith: (value) => value };

    const store = new TypeOrmStockStore();
    const at = new Date();
    const lines = [
      { productId: 'a', quantity: 1 },
      { productId: 'b', quantity: 2 },
    ];
    await store.adjustOnHand(tx, 'a', -3, at);
    const reservationStart = statements.length;
    await store.reserveLines(tx, lines, at, {
      lowStockThreshold: 5,
      reserved: stockReserved(
        {
          id: 'r',
          orderId: 'o',
          status: 'held',
          lines,
          expiresAt: at,
          releaseReason: null,
          rejection: null,
          createdAt: at,
          updatedAt: at,
        },
        at,
      ),
    });
    reservationStatements = statements.slice(reservationStart);
    await store.takeLines(tx, lines, at);
    await store.releaseLines(tx, lines, at);
    await store.commitLines(tx, lines, at);
    await store.restockLines(tx, lines, at);
    await store.discontinue(tx, 'a', at);
    await store.changeReservation(tx, 'o', {
      from: ['held'],
      to: 'expired',
      at,
      releaseReason: 'expired',
      expiredBy: at,
    });
    await store.findExpired(tx, at, 10);
    await store.listItems(tx, { limit: 3, afterProductId: 'a', maxAvailable: 5 });
  });

  it('writes every counter change as one guarded UPDATE with T-SQL placeholders', () => {
    const updates = statements.filter((sql) => /UPDATE "stock_items" SET "(on_hand|reserved)"/.test(sql));
    // adjust 1, then reserve, take, release, commit and restock 2 lines each
    expect(updates.length).toBe(11);
    for (const sql of updates) {
      expect(sql).toMatch(/WHERE "product_id" = @\d+ AND /);
      expect(sql).toContain('"version" = "version" + 1');
    }
    expect(updates).toContainEqual(
      expect.stringContaining('"on_hand" - "reserved" >= @0 AND "discontinued_at" IS NULL'),
    );
  });

  it('takes the levels a counter UPDATE left from its OUTPUT clause, not from a second read', () => {
    const updates = statements.filter((sql) => /UPDATE "stock_items" SET "(on_hand|reserved)"/.test(sql));
    expect(updates.length).toBe(11);
    for (const sql of updates) {
      // One batch: a table variable, the UPDATE writing its rows into it, and the SELECT that answers them.
      expect(sql).toMatch(
        /^DECLARE @OutputTable TABLE \("product_id" nvarchar\(255\), "on_hand" int, "reserved" int, /,
      );
      expect(sql).toMatch(
        /;\s+UPDATE "stock_items" SET .* OUTPUT INSERTED\."product_id", INSERTED\."on_hand", INSERTED\."reserved", INSERTED\."version", .* INTO @OutputTable WHERE "product_id" = @\d+ AND .*;\s+SELECT \* FROM @OutputTable$/,
      );
    }
    expect(reservationStatements.filter((sql) => /^SELECT .* FROM "stock_items"/.test(sql))).toEqual([]);
  });

  it('wraps multi-line changes in a savepoint, SQL Server style', () => {
    expect(statements).toContain('SAVE TRANSACTION typeorm_1');
  });

  it('sends nothing PostgreSQL- or SQLite-only', () => {
    for (const sql of statements) {
      expect(sql).not.toMatch(/\$\d|\?|\bLIMIT\b|\bRETURNING\b|\bON CONFLICT\b|\bSAVEPOINT\b|`/i);
    }
    // A page of 3 is fetched one row longer: the extra row tells whether another page follows.
    expect(statements).toContainEqual(expect.stringContaining('OFFSET 0 ROWS FETCH NEXT 4 ROWS ONLY'));
  });
});
