// Analytics reads with 100,000 orders in the read model: the summary of the default 30 days and of a whole year,
// and the hourly and daily sales series of a year, on SQLite (embedded) and PostgreSQL (beside a sidecar). The
// read model is filled through the service's own projection (domain steps and the TypeORM store), in batches.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, openDataSource, transaction } from '@shop/kit';
import { startPostgres } from '@shop/testkit/src/postgres';
import type { DataSource } from 'typeorm';
import type { ReadDeps } from '../../services/analytics/src/application/ports';
import { salesSeries, summaryOf } from '../../services/analytics/src/application/read-metrics';
import { defaultDemandModel } from '../../services/analytics/src/domain/demand';
import { type Effect, newOrderFact, orderPaid, orderPlaced } from '../../services/analytics/src/domain/order-fact';
import { dayMs } from '../../services/analytics/src/domain/time-buckets';
import { analyticsEntities } from '../../services/analytics/src/infrastructure/entities';
import { analyticsMigrations } from '../../services/analytics/src/infrastructure/migrations';
import { storeOfTx, typeormReads } from '../../services/analytics/src/infrastructure/typeorm-store';
import { drive, type RateResult } from './rates';

const orders = 100_000;
const batch = 2_000;
const products = Array.from({ length: 200 }, () => randomUUID());
const currencies = ['EUR', 'USD', 'GBP'];

/** 100,000 orders over the last year, placed and paid, through the projection's own steps. */
async function fill(dataSource: DataSource, now: Date): Promise<void> {
  for (let start = 0; start < orders; start += batch) {
    const effects: Effect[] = [];
    for (let n = start; n < Math.min(orders, start + batch); n += 1) {
      const at = new Date(now.getTime() - ((n * 7919) % 365) * dayMs - (n % 86_400) * 1000);
      const currency = currencies[n % currencies.length] as string;
      const lines = [
        {
          productId: products[n % products.length] as string,
          quantity: 1 + (n % 3),
          unitPrice: { amount: 999 + (n % 500), currency },
        },
      ];
      const total = { amount: lines.reduce((sum, line) => sum + line.quantity * line.unitPrice.amount, 0), currency };
      const placed = orderPlaced(newOrderFact(randomUUID()), { at, total, lines });
      const paid = orderPaid(placed.fact, { at: new Date(at.getTime() + 1000), total });
      effects.push(...placed.effects, ...paid.effects);
    }
    // The counters only: a fact per order would not change what the reads read.
    await transaction(dataSource, (tx) => storeOfTx(tx).apply(effects));
  }
}

async function measure(label: string, dataSource: DataSource, seconds: number): Promise<RateResult[]> {
  const now = new Date();
  await fill(dataSource, now);
  const deps: ReadDeps = { reads: typeormReads(dataSource), clock: { now: () => now }, demand: defaultDemandModel };
  const ctx = { log: createLogger({ name: 'bench', level: 'fatal' }) };
  const year = { from: new Date(now.getTime() - 365 * dayMs), to: now };
  const month = { from: new Date(now.getTime() - 30 * dayMs), to: now };
  const cases: Array<[string, () => Promise<unknown>]> = [
    ['summary, 30 days', () => summaryOf(ctx, month, deps)],
    ['summary, 365 days', () => summaryOf(ctx, year, deps)],
    ['sales by day, 365 days', () => salesSeries(ctx, { ...year, interval: 'day' }, deps)],
    ['sales by hour, 30 days', () => salesSeries(ctx, { ...month, interval: 'hour' }, deps)],
  ];
  const results: RateResult[] = [];
  for (const [name, read] of cases) {
    const rate = await drive(4, seconds, async () => {
      await read();
      return true;
    });
    results.push({
      name: `${name} (${label})`,
      ...rate,
      note: `${orders.toLocaleString('en')} orders, 4 concurrent readers`,
    });
  }
  return results;
}

export async function analyticsReads(seconds: number, logDir: string): Promise<RateResult[]> {
  const file = join(mkdtempSync(join(tmpdir(), 'analytics-bench-')), 'analytics.sqlite');
  const sqlite = await openDataSource(`sqlite:${file}`, {
    entities: analyticsEntities,
    migrations: analyticsMigrations,
    lockName: 'analytics',
  });
  const results: RateResult[] = [];
  try {
    results.push(...(await measure('SQLite', sqlite, seconds)));
  } finally {
    await sqlite.destroy();
  }
  const postgres = await startPostgres({ logDir: join(logDir, 'postgres') });
  try {
    const url = await postgres.createDatabase('analytics');
    const pg = await openDataSource(url, {
      entities: analyticsEntities,
      migrations: analyticsMigrations,
      lockName: 'analytics',
      poolSize: 8,
    });
    try {
      results.push(...(await measure('PostgreSQL', pg, seconds)));
    } finally {
      await pg.destroy();
    }
  } finally {
    await postgres.stop();
  }
  return results;
}
