import { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { handleOnce, OutboxEvent, OutboxRelay, observeData, statementKind } from '../../src/data';
import { commitWidgetEvents, openWidgets, recordingPublisher, WidgetEntity } from './support/widgets';

/** The value of one series in the registry's text, or undefined when it has no such series. */
async function seriesValue(registry: Registry, series: string): Promise<number | undefined> {
  const line = (await registry.metrics()).split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('observeData: the database metrics on /metrics (SQLite)', () => {
  let db: DataSource;
  let registry: Registry;
  let stop: () => void;
  beforeEach(async () => {
    db = await openWidgets('sqlite::memory:');
    registry = new Registry();
    stop = observeData(db, { registry, service: 'widgets', slowQueryMs: 50 });
  });
  afterEach(async () => {
    stop();
    await db.destroy();
  });

  it('reads the outbox backlog and the age of its oldest row at scrape time, both 0 once published', async () => {
    expect(await seriesValue(registry, 'shop_outbox_backlog{service="widgets"}')).toBe(0);
    expect(await seriesValue(registry, 'shop_outbox_oldest_age_seconds{service="widgets"}')).toBe(0);
    await commitWidgetEvents(db, 3);
    // The oldest row was written a minute ago: the age is read from its created_at, not from when it was counted.
    const [first] = await db.manager.find(OutboxEvent, { order: { seq: 'ASC' }, take: 1 });
    await db.manager.update(OutboxEvent, { seq: first?.seq }, { createdAt: new Date(Date.now() - 60_000) });

    expect(await seriesValue(registry, 'shop_outbox_backlog{service="widgets"}')).toBe(3);
    const age = await seriesValue(registry, 'shop_outbox_oldest_age_seconds{service="widgets"}');
    expect(age).toBeGreaterThanOrEqual(60);
    expect(age).toBeLessThan(70);

    const publisher = recordingPublisher();
    await new OutboxRelay(db, { publish: publisher.publish }).flush();
    expect(await seriesValue(registry, 'shop_outbox_backlog{service="widgets"}')).toBe(0);
    expect(await seriesValue(registry, 'shop_outbox_oldest_age_seconds{service="widgets"}')).toBe(0);
  });

  it('stops reporting the backlog once the service stops', async () => {
    stop();
    expect(await seriesValue(registry, 'shop_outbox_backlog{service="widgets"}')).toBeUndefined();
  });

  it('counts the duplicates the inbox skips, by consumer, and not the first delivery', async () => {
    const apply = () => handleOnce(db, 'widgets.widget-created', 'event-1', async () => 'done');
    await apply();
    expect(
      await seriesValue(registry, 'shop_inbox_duplicates_total{service="widgets",consumer="widgets.widget-created"}'),
    ).toBeUndefined();
    await apply();
    await apply();
    expect(
      await seriesValue(registry, 'shop_inbox_duplicates_total{service="widgets",consumer="widgets.widget-created"}'),
    ).toBe(2);
  });

  it('times every statement by its kind, and counts the ones slower than the threshold', async () => {
    await db.manager.insert(WidgetEntity, { id: 'w1', name: 'sprocket', quantity: 1 });
    await db.manager.find(WidgetEntity);
    const count = (kind: string) =>
      seriesValue(registry, `shop_db_query_duration_seconds_count{service="widgets",kind="${kind}"}`);
    expect(await count('insert')).toBeGreaterThanOrEqual(1);
    expect(await count('select')).toBeGreaterThanOrEqual(1);
    expect(await seriesValue(registry, 'shop_db_slow_queries_total{service="widgets",kind="select"}')).toBeUndefined();

    // A statement that really takes longer than 50 ms: SQLite counting through a large recursive sequence.
    await db.query(
      'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500000) SELECT count(*) FROM n',
    );
    expect(await seriesValue(registry, 'shop_db_slow_queries_total{service="widgets",kind="with"}')).toBe(1);
    expect(
      await seriesValue(registry, 'shop_db_query_duration_seconds_bucket{le="0.05",service="widgets",kind="with"}'),
    ).toBe(0);
  });
});

describe('statementKind', () => {
  it.each([
    ['SELECT 1', 'select'],
    ['  insert into t values (1)', 'insert'],
    ['WITH head AS (SELECT 1) SELECT * FROM head', 'with'],
    ['(SELECT 1) UNION (SELECT 2)', 'select'],
    ['BEGIN TRANSACTION', 'begin'],
    ['EXEC sp_getapplock', 'other'],
    ['', 'other'],
  ])('%j is a %s', (query, kind) => {
    expect(statementKind(query)).toBe(kind);
  });
});
