import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultReviewThresholds, type ReviewThresholds } from '@shop/contracts';
import { openDataSource } from '@shop/kit';
import type { DataSource } from 'typeorm';
import type { AssessmentObserver, FraudDeps } from '../../src/application/ports';
import type { OrderScore } from '../../src/domain/scorer';
import { defaultWeights } from '../../src/domain/weights';
import { fraudEntities } from '../../src/infrastructure/entities';
import { fraudMigrations } from '../../src/infrastructure/migrations';
import { typeormReads, typeormUnitOfWork } from '../../src/infrastructure/typeorm-fraud-store';

export async function openSqliteFraudDatabase(): Promise<DataSource> {
  const file = join(mkdtempSync(join(tmpdir(), 'fraud-')), 'fraud.sqlite');
  return openDataSource(`sqlite:${file}`, { entities: fraudEntities, migrations: fraudMigrations, lockName: 'fraud' });
}

/** The handlers' dependencies over a real database, with the scores they reported kept for the test. */
export function fraudDepsOver(
  dataSource: DataSource,
  thresholds: ReviewThresholds = defaultReviewThresholds,
): FraudDeps & { observed: OrderScore[] } {
  const observed: OrderScore[] = [];
  const observer: AssessmentObserver = { assessed: (score) => observed.push(score) };
  return {
    unitOfWork: typeormUnitOfWork(dataSource),
    read: typeormReads(dataSource),
    clock: { now: () => new Date() },
    thresholds,
    weights: defaultWeights,
    observer,
    observed,
  };
}
