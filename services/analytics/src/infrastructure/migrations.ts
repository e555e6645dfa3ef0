import { addColumns, dropColumns, type MigrationClass, portableColumns } from '@shop/kit';
import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

const idLength = 36;
const currencyLength = 3;
const nameLength = 200;

export class CreateAnalyticsTables1733800000000 implements MigrationInterface {
  readonly name = 'CreateAnalyticsTables1733800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = portableColumns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'activity_hours',
        columns: [
          { ...c.integer('hour'), isPrimary: true },
          c.integer('placed'),
          c.integer('paid'),
          c.integer('cancelled'),
          c.integer('registered'),
          c.integer('failed_out_of_stock'),
          c.integer('failed_payment_declined'),
          c.integer('failed_reservation_expired'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'revenue_hours',
        columns: [
          { ...c.integer('hour'), isPrimary: true },
          { ...c.string('currency', currencyLength), isPrimary: true },
          c.integer('paid_orders'),
          c.bigint('paid_minor'),
          c.bigint('refunded_minor'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'product_days',
        columns: [
          { ...c.string('product_id', idLength), isPrimary: true },
          { ...c.integer('day'), isPrimary: true },
          { ...c.string('currency', currencyLength), isPrimary: true },
          c.integer('quantity'),
          c.bigint('revenue_minor'),
        ],
        // Top products and the demand average read a range of days across all products.
        indices: [new TableIndex({ name: 'IX_product_days_day', columnNames: ['day', 'product_id'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'products',
        columns: [
          { ...c.string('product_id', idLength), isPrimary: true },
          { ...c.string('name', nameLength), isNullable: true },
          { ...c.timestamp('named_at'), isNullable: true },
          { ...c.integer('available'), isNullable: true },
          { ...c.integer('stock_version'), isNullable: true },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'order_facts',
        columns: [
          { ...c.string('order_id', idLength), isPrimary: true },
          { ...c.timestamp('placed_at'), isNullable: true },
          { ...c.timestamp('paid_at'), isNullable: true },
          { ...c.timestamp('failed_at'), isNullable: true },
          { ...c.timestamp('cancelled_at'), isNullable: true },
          { ...c.string('currency', currencyLength), isNullable: true },
          { ...c.bigint('total_minor'), isNullable: true },
          { ...c.text('lines_json'), isNullable: true },
          c.boolean('revenue_counted'),
          c.boolean('units_counted'),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['order_facts', 'products', 'product_days', 'revenue_hours', 'activity_hours']) {
      await queryRunner.dropTable(table);
    }
  }
}

/**
 * Fraud review: orders held (OnHold) per hour, failures with FraudSuspected per hour, and when an order was held
 * (so a redelivered or late hold counts once). Existing hours held none.
 */
export class AddHeldOrders1733800000001 implements MigrationInterface {
  readonly name = 'AddHeldOrders1733800000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = portableColumns(queryRunner);
    await addColumns(queryRunner, 'activity_hours', [
      { ...c.integer('held'), default: '0' },
      { ...c.integer('failed_fraud_suspected'), default: '0' },
    ]);
    await addColumns(queryRunner, 'order_facts', [{ ...c.timestamp('held_at'), isNullable: true }]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropColumns(queryRunner, 'order_facts', ['held_at']);
    await dropColumns(queryRunner, 'activity_hours', ['failed_fraud_suspected', 'held']);
  }
}

/** The catalog's per-product version of the name kept (null: named by an event from before versions). */
export class AddProductNameVersion1765170000002 implements MigrationInterface {
  readonly name = 'AddProductNameVersion1765170000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = portableColumns(queryRunner);
    await addColumns(queryRunner, 'products', [{ ...c.integer('name_version'), isNullable: true }]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropColumns(queryRunner, 'products', ['name_version']);
  }
}

export const analyticsMigrations: MigrationClass[] = [
  CreateAnalyticsTables1733800000000,
  AddHeldOrders1733800000001,
  AddProductNameVersion1765170000002,
];
