import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDataSource } from '@shop/kit';
import { analyticsEntities } from '../src/infrastructure/entities';
import { analyticsMigrations, CreateAnalyticsTables1733800000000 } from '../src/infrastructure/migrations';
import { typeormReads } from '../src/infrastructure/typeorm-store';

describe('the held-orders migration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'analytics-migration-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the figures already counted and starts the new counters at zero', async () => {
    const url = `sqlite:${join(dir, 'analytics.sqlite')}`;
    const before = createDataSource(url, { entities: [], migrations: [CreateAnalyticsTables1733800000000] });
    await before.initialize();
    await before.query(
      `INSERT INTO activity_hours (hour, placed, paid, cancelled, registered, failed_out_of_stock,
        failed_payment_declined, failed_reservation_expired) VALUES (500000, 4, 3, 1, 2, 1, 0, 0)`,
    );
    await before.query(
      `INSERT INTO order_facts (order_id, placed_at, revenue_counted, units_counted)
        VALUES ('order-1', '2027-01-15 08:00:00.000', 0, 0)`,
    );
    await before.destroy();

    const after = createDataSource(url, { entities: analyticsEntities, migrations: analyticsMigrations });
    await after.initialize();
    try {
      const totals = await typeormReads(after).activityTotals({ first: 500000, end: 500001 });
      expect(totals).toEqual({
        placed: 4,
        held: 0,
        paid: 3,
        cancelled: 1,
        registered: 2,
        failedOutOfStock: 1,
        failedPaymentDeclined: 0,
        failedReservationExpired: 0,
        failedFraudSuspected: 0,
      });
      expect(await after.query(`SELECT held_at FROM order_facts WHERE order_id = 'order-1'`)).toEqual([
        { held_at: null },
      ]);
    } finally {
      await after.destroy();
    }
  });
});
