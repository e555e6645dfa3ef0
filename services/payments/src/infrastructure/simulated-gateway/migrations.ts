import { type MigrationClass, portableColumns } from '@shop/kit';
import { type MigrationInterface, type QueryRunner, Table, TableIndex, TableUnique } from 'typeorm';

export const simulatedGatewayLimits = { idLength: 36, idempotencyKeyLength: 100 } as const;

/** The simulated gateway's vault and ledger; in its own database, or beside the payments tables in the same one. */
export class CreateSimulatedGatewayTables1732400001000 implements MigrationInterface {
  readonly name = 'CreateSimulatedGatewayTables1732400001000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = portableColumns(queryRunner);
    const { idLength, idempotencyKeyLength } = simulatedGatewayLimits;
    await queryRunner.createTable(
      new Table({
        name: 'gateway_payment_methods',
        columns: [
          { ...c.string('id', idLength), isPrimary: true },
          c.string('brand', 20),
          c.string('last4', 4),
          c.integer('exp_month'),
          c.integer('exp_year'),
          c.string('behaviour', 30),
          c.timestamp('created_at'),
          c.timestamp('expires_at'),
        ],
        indices: [new TableIndex({ name: 'IX_gateway_payment_methods_expires_at', columnNames: ['expires_at'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'gateway_charges',
        columns: [
          { ...c.string('id', idLength), isPrimary: true },
          c.string('idempotency_key', idempotencyKeyLength),
          c.string('payment_method_id', 64),
          { ...c.string('brand', 20), isNullable: true },
          { ...c.string('last4', 4), isNullable: true },
          c.bigint('amount'),
          c.string('currency', 3),
          c.string('status', 20),
          { ...c.string('decline_reason', 40), isNullable: true },
          c.bigint('refunded_amount'),
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
        // One authorization per key: a retried authorize finds the first one instead of holding the money twice.
        uniques: [new TableUnique({ name: 'UQ_gateway_charges_idempotency_key', columnNames: ['idempotency_key'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'gateway_refunds',
        columns: [
          { ...c.string('id', idLength), isPrimary: true },
          c.string('idempotency_key', idempotencyKeyLength),
          c.string('charge_id', idLength),
          c.bigint('amount'),
          c.string('currency', 3),
          c.timestamp('created_at'),
        ],
        uniques: [new TableUnique({ name: 'UQ_gateway_refunds_idempotency_key', columnNames: ['idempotency_key'] })],
        indices: [new TableIndex({ name: 'IX_gateway_refunds_charge_id', columnNames: ['charge_id'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['gateway_refunds', 'gateway_charges', 'gateway_payment_methods']) {
      await queryRunner.dropTable(table);
    }
  }
}

export const simulatedGatewayMigrations: MigrationClass[] = [CreateSimulatedGatewayTables1732400001000];
