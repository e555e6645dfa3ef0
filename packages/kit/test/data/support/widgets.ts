import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@shop/contracts';
import { type DataSource, EntitySchema, type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';
import { createDataSource, openDataSource, portableColumns, transaction } from '../../../src/data';

/** A stand-in business table for the tests: what a service would write next to its outbox events. */
export interface Widget {
  id: string;
  name: string;
  quantity: number;
}

export const WidgetEntity = new EntitySchema<Widget>({
  name: 'Widget',
  tableName: 'widgets',
  columns: {
    id: { type: String, primary: true },
    name: { type: String },
    quantity: { type: Number },
  },
});

export class CreateWidgets1732200000000 implements MigrationInterface {
  readonly name = 'CreateWidgets1732200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = portableColumns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'widgets',
        columns: [{ ...c.string('id', 36), isPrimary: true }, c.string('name', 100), c.integer('quantity')],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('widgets');
  }
}

export async function openWidgets(url: string, settings: { idempotencyTtlHours?: number } = {}): Promise<DataSource> {
  const dataSource = createDataSource(url, {
    entities: [WidgetEntity],
    migrations: [CreateWidgets1732200000000],
    ...settings,
  });
  await dataSource.initialize();
  return dataSource;
}

export function widgetCreated(widget: Widget, id: string = randomUUID()): EventEnvelope<Widget> {
  return { id, type: 'widgets.widget-created', occurredAt: new Date().toISOString(), data: widget };
}

export function newWidget(name = 'sprocket', quantity = 1): Widget {
  return { id: randomUUID(), name, quantity };
}

export { eventually } from '@shop/testkit/src/eventually';

/** Records what a relay published, optionally failing or pausing on demand. */
export function recordingPublisher() {
  const published: { topic: string; event: EventEnvelope }[] = [];
  return {
    published,
    ids: () => published.map((entry) => entry.event.id),
    publish: async (topic: string, event: EventEnvelope) => {
      published.push({ topic, event });
    },
  };
}

/** Commits `count` widgets, each with its created event in the outbox, one transaction each. */
export async function commitWidgetEvents(db: DataSource, count: number): Promise<EventEnvelope[]> {
  const events: EventEnvelope[] = [];
  for (let i = 0; i < count; i++) {
    const widget = newWidget(`widget-${i}`);
    const event = widgetCreated(widget);
    events.push(event);
    await transaction(db, async (tx) => {
      await tx.manager.insert(WidgetEntity, widget);
      await tx.outbox('widgets', event);
    });
  }
  return events;
}

/**
 * A migration that takes its time, as a real one on a large table does: replicas starting together are all
 * inside the migrations at once unless something makes them take turns.
 */
export class SlowWidgetIndex1732200000001 implements MigrationInterface {
  readonly name = 'SlowWidgetIndex1732200000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 300));
    await queryRunner.createIndex('widgets', new TableIndex({ name: 'IX_widgets_name', columnNames: ['name'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('widgets', 'IX_widgets_name');
  }
}

/** Opens the widgets' data as a replica of a service does at start: migrations under the service's lock. */
export function openWidgetsReplica(url: string): Promise<DataSource> {
  return openDataSource(url, {
    entities: [WidgetEntity],
    migrations: [CreateWidgets1732200000000, SlowWidgetIndex1732200000001],
    lockName: 'widgets',
  });
}

/** Each migration's name and how many times the migrations table records it. */
export async function migrationCounts(db: DataSource): Promise<Record<string, number>> {
  const rows: Array<{ name: string }> = await db.query('SELECT name FROM migrations');
  const counts: Record<string, number> = {};
  for (const { name } of rows) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}
