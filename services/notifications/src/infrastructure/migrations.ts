import { type MigrationClass, portableColumns } from '@shop/kit';
import { type MigrationInterface, type QueryRunner, Table, TableIndex, TableUnique } from 'typeorm';
import { notificationsLimits as limits } from '../domain/limits';

export class CreateNotificationTables1733700000000 implements MigrationInterface {
  readonly name = 'CreateNotificationTables1733700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = portableColumns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'customer_contacts',
        columns: [
          { ...c.string('customer_id', limits.idLength), isPrimary: true },
          c.string('email', limits.emailLength),
          c.string('name', limits.nameLength),
          { ...c.string('locale', limits.localeLength), isNullable: true },
          { ...c.string('phone', limits.phoneLength), isNullable: true },
          c.timestamp('updated_at'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'notification_preferences',
        columns: [
          { ...c.string('customer_id', limits.idLength), isPrimary: true },
          c.boolean('email'),
          c.boolean('sms'),
          c.boolean('in_app'),
          c.timestamp('updated_at'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'in_app_notifications',
        columns: [
          { ...c.string('id', limits.idLength), isPrimary: true },
          c.string('customer_id', limits.idLength),
          c.string('type', 30),
          c.string('title', limits.titleLength),
          c.text('body'),
          { ...c.string('order_id', limits.idLength), isNullable: true },
          c.timestamp('created_at'),
          { ...c.timestamp('read_at'), isNullable: true },
        ],
        indices: [
          new TableIndex({ name: 'IX_in_app_customer_created', columnNames: ['customer_id', 'created_at', 'id'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'deliveries',
        columns: [
          { ...c.string('id', limits.idLength), isPrimary: true },
          c.string('event_id', limits.eventIdLength),
          c.string('channel', 10),
          c.string('customer_id', limits.idLength),
          c.string('type', 30),
          c.text('facts_json'),
          c.string('status', 10),
          c.integer('attempts'),
          { ...c.timestamp('next_attempt_at'), isNullable: true },
          { ...c.timestamp('claimed_until'), isNullable: true },
          { ...c.string('claim_token', limits.idLength), isNullable: true },
          { ...c.string('error', limits.errorLength), isNullable: true },
          c.timestamp('created_at'),
          { ...c.timestamp('sent_at'), isNullable: true },
          { ...c.string('notification_id', limits.idLength), isNullable: true },
        ],
        // One delivery per event and channel: a redelivered event can never record (or send) a second one.
        uniques: [new TableUnique({ name: 'UQ_deliveries_event_channel', columnNames: ['event_id', 'channel'] })],
        indices: [
          new TableIndex({ name: 'IX_deliveries_due', columnNames: ['status', 'next_attempt_at'] }),
          new TableIndex({ name: 'IX_deliveries_claim', columnNames: ['claim_token'] }),
          new TableIndex({ name: 'IX_deliveries_created', columnNames: ['created_at', 'id'] }),
          new TableIndex({ name: 'IX_deliveries_customer_created', columnNames: ['customer_id', 'created_at', 'id'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('deliveries');
    await queryRunner.dropTable('in_app_notifications');
    await queryRunner.dropTable('notification_preferences');
    await queryRunner.dropTable('customer_contacts');
  }
}

export const notificationsMigrations: MigrationClass[] = [CreateNotificationTables1733700000000];
