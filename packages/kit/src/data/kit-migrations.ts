import { type MigrationInterface, type QueryRunner, Table, TableIndex, TableUnique } from 'typeorm';
import { addColumns, dropColumns, portableColumns } from './portable-columns';

// Tables and their indexes are declared whole (Table objects, never table names) so that no migration needs
// to read the live schema: that keeps them runnable offline, which is how the SQL Server DDL is generated.

/** Lengths that keep every primary key under SQL Server's 900-byte limit (nvarchar is 2 bytes a character). */
export const kitLimits = {
  eventIdLength: 36,
  consumerLength: 100,
  inboxEventIdLength: 100,
  topicLength: 200,
  eventTypeLength: 200,
  idempotencyScopeLength: 100,
  idempotencyKeyLength: 255,
  /** A version-00 W3C traceparent, the only version the kit writes. */
  traceparentLength: 55,
} as const;

export class CreateOutboxEvents1732100000000 implements MigrationInterface {
  readonly name = 'CreateOutboxEvents1732100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = portableColumns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'outbox_events',
        columns: [
          c.increment('seq'),
          c.string('id', kitLimits.eventIdLength),
          c.string('topic', kitLimits.topicLength),
          c.string('type', kitLimits.eventTypeLength),
          c.text('payload'),
          c.timestamp('occurred_at'),
          c.timestamp('created_at'),
          { ...c.timestamp('published_at'), isNullable: true },
          { ...c.integer('attempts'), default: 0 },
          { ...c.text('last_error'), isNullable: true },
          { ...c.string('locked_by', 100), isNullable: true },
          { ...c.timestamp('locked_until'), isNullable: true },
        ],
        uniques: [new TableUnique({ name: 'UQ_outbox_events_id', columnNames: ['id'] })],
        // Only unpublished rows are in this index, so the relay's scan stays small however long the table grows.
        indices: [
          new TableIndex({ name: 'IX_outbox_events_unpublished', columnNames: ['seq'], where: 'published_at IS NULL' }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('outbox_events');
  }
}

export class CreateInboxEvents1732100000001 implements MigrationInterface {
  readonly name = 'CreateInboxEvents1732100000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = portableColumns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'inbox_events',
        columns: [
          { ...c.string('consumer', kitLimits.consumerLength), isPrimary: true },
          { ...c.string('event_id', kitLimits.inboxEventIdLength), isPrimary: true },
          c.timestamp('processed_at'),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('inbox_events');
  }
}

export class CreateIdempotencyKeys1732100000002 implements MigrationInterface {
  readonly name = 'CreateIdempotencyKeys1732100000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = portableColumns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'idempotency_keys',
        columns: [
          { ...c.string('scope', kitLimits.idempotencyScopeLength), isPrimary: true },
          { ...c.string('key', kitLimits.idempotencyKeyLength), isPrimary: true },
          c.string('request_hash', 64),
          c.string('status', 16),
          c.text('response'),
          c.timestamp('created_at'),
          c.timestamp('completed_at'),
        ],
        // Keys may be pruned after a day (Stripe keeps them at least 24 h); this finds the old ones.
        indices: [new TableIndex({ name: 'IX_idempotency_keys_created_at', columnNames: ['created_at'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('idempotency_keys');
  }
}

/** Each outbox row keeps the trace of the work that wrote it, so that the relay's publish continues that trace. */
export class AddOutboxTraceparent1732100000003 implements MigrationInterface {
  readonly name = 'AddOutboxTraceparent1732100000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = portableColumns(queryRunner);
    await addColumns(queryRunner, 'outbox_events', [
      { ...c.string('traceparent', kitLimits.traceparentLength), isNullable: true },
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropColumns(queryRunner, 'outbox_events', ['traceparent']);
  }
}

/** The events a service gave up on, kept for an operator (the dead-letter admin endpoints). */
export class CreateDeadLetters1732100000004 implements MigrationInterface {
  readonly name = 'CreateDeadLetters1732100000004';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = portableColumns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'dead_letters',
        columns: [
          { ...c.string('id', kitLimits.eventIdLength), isPrimary: true },
          c.string('topic', kitLimits.topicLength),
          c.string('event_id', kitLimits.inboxEventIdLength),
          c.string('event_type', kitLimits.eventTypeLength),
          c.text('payload'),
          { ...c.text('error'), isNullable: true },
          { ...c.integer('attempts'), default: 0 },
          c.timestamp('dead_lettered_at'),
          c.string('status', 16),
          { ...c.timestamp('resolved_at'), isNullable: true },
          { ...c.string('resolved_by', 100), isNullable: true },
        ],
        // The admin's list: newest first, optionally one topic; and the gauge's count of those still stored.
        indices: [
          new TableIndex({ name: 'IX_dead_letters_listed', columnNames: ['dead_lettered_at', 'id'] }),
          new TableIndex({ name: 'IX_dead_letters_topic', columnNames: ['topic', 'dead_lettered_at', 'id'] }),
          new TableIndex({ name: 'IX_dead_letters_status', columnNames: ['status'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('dead_letters');
  }
}

/** The kit's tables; every service runs them before its own (createDataSource adds them). */
export const kitMigrations = [
  CreateOutboxEvents1732100000000,
  CreateInboxEvents1732100000001,
  CreateIdempotencyKeys1732100000002,
  AddOutboxTraceparent1732100000003,
  CreateDeadLetters1732100000004,
];
