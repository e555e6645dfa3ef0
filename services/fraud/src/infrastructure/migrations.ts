import { type MigrationClass, portableColumns } from '@shop/kit';
import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

const idLength = 36;
const fingerprintLength = 64;
const reasonsLength = 400;

export class CreateFraudTables1734000000000 implements MigrationInterface {
  readonly name = 'CreateFraudTables1734000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = portableColumns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'assessments',
        columns: [
          // One assessment per order: the key makes a retried or racing placement find the first one.
          { ...c.string('order_id', idLength), isPrimary: true },
          c.string('customer_id', idLength),
          c.string('card_fingerprint', fingerprintLength),
          { ...c.string('card_country', 2), isNullable: true },
          c.string('shipping_country', 2),
          c.string('currency', 3),
          c.bigint('total'),
          c.integer('units'),
          c.integer('score'),
          c.string('reasons', reasonsLength),
          c.timestamp('placed_at'),
          c.timestamp('assessed_at'),
        ],
        // Velocity: the customer's and the card's orders in the window are index range counts.
        indices: [
          new TableIndex({ name: 'IX_assessments_customer_placed_at', columnNames: ['customer_id', 'placed_at'] }),
          new TableIndex({ name: 'IX_assessments_card_placed_at', columnNames: ['card_fingerprint', 'placed_at'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'customer_profiles',
        columns: [{ ...c.string('customer_id', idLength), isPrimary: true }, c.timestamp('registered_at')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'customer_amounts',
        columns: [
          { ...c.string('customer_id', idLength), isPrimary: true },
          { ...c.string('currency', 3), isPrimary: true },
          c.integer('paid_orders'),
          c.bigint('log_micros_sum'),
          c.bigint('log_square_micros_sum'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'shop_amount_buckets',
        columns: [
          { ...c.string('currency', 3), isPrimary: true },
          { ...c.integer('bucket'), isPrimary: true },
          c.integer('assessments'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'declines',
        columns: [
          { ...c.string('order_id', idLength), isPrimary: true },
          c.string('customer_id', idLength),
          c.string('card_fingerprint', fingerprintLength),
          c.timestamp('failed_at'),
        ],
        indices: [
          new TableIndex({ name: 'IX_declines_customer_failed_at', columnNames: ['customer_id', 'failed_at'] }),
          new TableIndex({ name: 'IX_declines_card_failed_at', columnNames: ['card_fingerprint', 'failed_at'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['declines', 'shop_amount_buckets', 'customer_amounts', 'customer_profiles', 'assessments']) {
      await queryRunner.dropTable(table);
    }
  }
}

/**
 * One row per customer, counted up by every assessment first thing in its transaction: the row's lock makes
 * concurrent assessments of one customer take turns, so each one's velocity counts all those before it.
 */
export class AddCustomerAssessmentCounts1765170000000 implements MigrationInterface {
  readonly name = 'AddCustomerAssessmentCounts1765170000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = portableColumns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'customer_assessment_counts',
        columns: [{ ...c.string('customer_id', idLength), isPrimary: true }, c.integer('assessments')],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('customer_assessment_counts');
  }
}

export const fraudMigrations: MigrationClass[] = [
  CreateFraudTables1734000000000,
  AddCustomerAssessmentCounts1765170000000,
];
