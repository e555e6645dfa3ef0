import { type MigrationClass, portableColumns } from '@shop/kit';
import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

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

export const ordersMigrations: MigrationClass[] = [CreateOrders1732400000000];
