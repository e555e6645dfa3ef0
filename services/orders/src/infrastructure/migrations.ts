import { addColumns, dropColumns, type MigrationClass, portableColumns } from '@shop/kit';
import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';
import { reviewLimits } from '../domain/order';

export class CreateOrders1732400000000 implements MigrationInterface {
  readonly name = 'CreateOrders1732400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = portableColumns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'orders',
        columns: [
          { ...c.string('id', 36), isPrimary: true },
          c.string('customer_id', 36),
          c.string('status', 20),
          c.text('items_json'),
          c.bigint('total_amount'),
          c.string('currency', 3),
          c.text('shipping_address_json'),
          c.string('payment_method_id', 64),
          c.string('card_last4', 4),
          { ...c.string('failure_reason', 40), isNullable: true },
          { ...c.string('tracking_number', 100), isNullable: true },
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
        indices: [
          // A customer's own list, newest first, and the admin's list filtered by status.
          new TableIndex({ name: 'IX_orders_customer_created', columnNames: ['customer_id', 'created_at', 'id'] }),
          new TableIndex({ name: 'IX_orders_status_created', columnNames: ['status', 'created_at', 'id'] }),
          new TableIndex({ name: 'IX_orders_created', columnNames: ['created_at', 'id'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('orders');
  }
}

/** The fraud review's score and reasons at placement, and an admin's review of a held order. */
export class AddOrderRiskAndReview1732400000001 implements MigrationInterface {
  readonly name = 'AddOrderRiskAndReview1732400000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = portableColumns(queryRunner);
    // Nullable: orders placed before the review have neither.
    await addColumns(queryRunner, 'orders', [
      { ...c.integer('risk_score'), isNullable: true },
      { ...c.string('risk_reasons_json', 400), isNullable: true },
      { ...c.string('review_decision', 10), isNullable: true },
      { ...c.string('review_note', reviewLimits.reviewNoteLength), isNullable: true },
      { ...c.string('reviewed_by', 100), isNullable: true },
      { ...c.timestamp('reviewed_at'), isNullable: true },
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropColumns(queryRunner, 'orders', [
      'reviewed_at',
      'reviewed_by',
      'review_note',
      'review_decision',
      'risk_reasons_json',
      'risk_score',
    ]);
  }
}

export const ordersMigrations: MigrationClass[] = [CreateOrders1732400000000, AddOrderRiskAndReview1732400000001];
