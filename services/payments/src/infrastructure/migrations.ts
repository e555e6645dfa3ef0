import { addColumns, dialectOf, dropColumns, type MigrationClass, portableColumns } from '@shop/kit';
import { type MigrationInterface, type QueryRunner, Table, TableIndex, TableUnique } from 'typeorm';
import { paymentsLimits } from '../domain/limits';

export class CreatePaymentTables1732400000000 implements MigrationInterface {
  readonly name = 'CreatePaymentTables1732400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = portableColumns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'payments',
        columns: [
          { ...c.string('id', paymentsLimits.idLength), isPrimary: true },
          c.string('order_id', paymentsLimits.idLength),
          c.string('customer_id', paymentsLimits.idLength),
          c.string('status', 20),
          c.bigint('amount'),
          c.string('currency', 3),
          c.bigint('refunded_amount'),
          c.string('payment_method_id', paymentsLimits.paymentMethodIdLength),
          { ...c.string('card_brand', 20), isNullable: true },
          { ...c.string('card_last4', 4), isNullable: true },
          { ...c.string('authorization_id', paymentsLimits.gatewayIdLength), isNullable: true },
          { ...c.string('capture_id', paymentsLimits.gatewayIdLength), isNullable: true },
          { ...c.string('failure_reason', 40), isNullable: true },
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
        // One payment per order: a second opening for the same order can never record a second charge.
        uniques: [new TableUnique({ name: 'UQ_payments_order_id', columnNames: ['order_id'] })],
        indices: [
          new TableIndex({ name: 'IX_payments_created_at_id', columnNames: ['created_at', 'id'] }),
          new TableIndex({ name: 'IX_payments_customer_created_at', columnNames: ['customer_id', 'created_at', 'id'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'refunds',
        columns: [
          { ...c.string('id', paymentsLimits.idLength), isPrimary: true },
          c.string('payment_id', paymentsLimits.idLength),
          c.string('order_id', paymentsLimits.idLength),
          c.bigint('amount'),
          c.string('currency', 3),
          c.string('reason', paymentsLimits.refundReasonLength),
          c.string('gateway_refund_id', paymentsLimits.gatewayIdLength),
          c.timestamp('created_at'),
        ],
        indices: [new TableIndex({ name: 'IX_refunds_payment_id', columnNames: ['payment_id', 'created_at'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('refunds');
    await queryRunner.dropTable('payments');
  }
}

/** The order is held for fraud review: its payment is authorized, and captured only once the order is approved. */
export class AddPaymentReviewRequired1732400000001 implements MigrationInterface {
  readonly name = 'AddPaymentReviewRequired1732400000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = portableColumns(queryRunner);
    // Payments recorded before the review were never held.
    const no = dialectOf(queryRunner.connection) === 'postgres' ? 'false' : '0';
    await addColumns(queryRunner, 'payments', [{ ...c.boolean('review_required'), default: no }]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropColumns(queryRunner, 'payments', ['review_required']);
  }
}

export const paymentsMigrations: MigrationClass[] = [
  CreatePaymentTables1732400000000,
  AddPaymentReviewRequired1732400000001,
];
