import { portableColumns } from '@shop/kit';
import { type MigrationInterface, type QueryRunner, Table, TableCheck, TableIndex, TableUnique } from 'typeorm';
import { inventoryLimits } from '../domain/limits';

// Tables and their indexes are declared whole (Table objects, never table names) so that no migration reads
// the live schema: that keeps them runnable offline, which is how the SQL Server DDL is generated.

const statusLength = 16;
const releaseReasonLength = 32;

export class CreateStockItems1732400000000 implements MigrationInterface {
  readonly name = 'CreateStockItems1732400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = portableColumns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'stock_items',
        columns: [
          { ...c.string('product_id', inventoryLimits.idLength), isPrimary: true },
          c.integer('on_hand'),
          c.integer('reserved'),
          c.integer('version'),
          { ...c.timestamp('discontinued_at'), isNullable: true },
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
        // The invariant the conditional UPDATEs keep, stated once more where no code path can skip it.
        checks: [
          new TableCheck({ name: 'CK_stock_items_levels', expression: 'reserved >= 0 AND on_hand >= reserved' }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('stock_items');
  }
}

export class CreateReservations1732400000001 implements MigrationInterface {
  readonly name = 'CreateReservations1732400000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = portableColumns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'reservations',
        columns: [
          { ...c.string('id', inventoryLimits.idLength), isPrimary: true },
          c.string('order_id', inventoryLimits.orderIdLength),
          c.string('status', statusLength),
          c.text('lines'),
          c.timestamp('expires_at'),
          { ...c.string('release_reason', releaseReasonLength), isNullable: true },
          { ...c.text('rejection'), isNullable: true },
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
        // One reservation per order: what makes reserving idempotent on the order, even for concurrent twins.
        uniques: [new TableUnique({ name: 'UQ_reservations_order_id', columnNames: ['order_id'] })],
        // Only held reservations are in this index, so the expiry sweep's scan stays small however long the
        // table grows.
        indices: [
          new TableIndex({
            name: 'IX_reservations_held_expires_at',
            columnNames: ['expires_at'],
            where: "status = 'held'",
          }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('reservations');
  }
}

export class CreateStockAdjustments1732400000002 implements MigrationInterface {
  readonly name = 'CreateStockAdjustments1732400000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = portableColumns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'stock_adjustments',
        columns: [
          { ...c.string('id', inventoryLimits.idLength), isPrimary: true },
          c.string('product_id', inventoryLimits.idLength),
          c.integer('delta'),
          c.string('reason', inventoryLimits.adjustmentReasonLength),
          { ...c.string('actor_id', inventoryLimits.actorIdLength), isNullable: true },
          c.integer('on_hand_after'),
          c.timestamp('created_at'),
        ],
        indices: [new TableIndex({ name: 'IX_stock_adjustments_product', columnNames: ['product_id', 'created_at'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('stock_adjustments');
  }
}

/** The inventory's tables, after the kit's (createDataSource runs kitMigrations first). */
export const inventoryMigrations = [
  CreateStockItems1732400000000,
  CreateReservations1732400000001,
  CreateStockAdjustments1732400000002,
];
