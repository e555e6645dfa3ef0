import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableIndex, TableUnique } from 'typeorm';
import { dialectOf, portableColumns } from './portable-columns';

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
    const column = new TableColumn({ ...c.string('traceparent', kitLimits.traceparentLength), isNullable: true });
    // TypeORM's SQLite addColumn rebuilds the table from the definition it is handed; SQLite's own ADD COLUMN keeps
    // the rows and the partial index. Elsewhere the declared table (never read from the database) keeps it offline.
    if (dialectOf(queryRunner.connection) === 'sqlite') {
      await queryRunner.query(
        `ALTER TABLE "outbox_events" ADD COLUMN "traceparent" varchar(${kitLimits.traceparentLength})`,
      );
    } else {
      await queryRunner.addColumn(new Table({ name: 'outbox_events' }), column);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (dialectOf(queryRunner.connection) === 'sqlite') {
      await queryRunner.query('ALTER TABLE "outbox_events" DROP COLUMN "traceparent"');
    } else {
      await queryRunner.query('ALTER TABLE outbox_events DROP COLUMN traceparent');
    }
  }
}

/** The kit's tables; every service runs them before its own (createDataSource adds them). */
export const kitMigrations = [
  CreateOutboxEvents1732100000000,
  CreateInboxEvents1732100000001,
  CreateIdempotencyKeys1732100000002,
  AddOutboxTraceparent1732100000003,
];
