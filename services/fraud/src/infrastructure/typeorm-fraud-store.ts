import type { RiskReason } from '@shop/contracts';
import { autocommit, dialectOf, isUniqueViolation, type Tx, transaction } from '@shop/kit';
import { Between, type DataSource, type EntityManager, type EntitySchema, Not, type ObjectLiteral } from 'typeorm';
import type { FraudStore, StoredAssessment, UnitOfWork } from '../application/ports';
import {
  AssessmentEntity,
  type AssessmentRow,
  CustomerAmountsEntity,
  CustomerAssessmentCountEntity,
  CustomerProfileEntity,
  DeclineEntity,
  ShopAmountBucketEntity,
} from './entities';

/** One transaction per unit of work. */
export function typeormUnitOfWork(dataSource: DataSource): UnitOfWork {
  return (work) => transaction(dataSource, (tx) => work(fraudStoreOf(tx)));
}

/** Reads without a transaction of their own (each statement stands alone). */
export function typeormReads(dataSource: DataSource): UnitOfWork {
  return (work) =>
    autocommit(dataSource, (manager) =>
      work(
        storeOn(manager, () => {
          throw new Error('a read cannot roll back');
        }),
      ),
    );
}

/** The store inside a transaction the caller runs (the event intake's). */
export function fraudStoreOf(tx: Tx): FraudStore {
  return storeOn(tx.manager, (value) => tx.rollbackWith(value));
}

function toAssessment(row: AssessmentRow): StoredAssessment {
  return {
    orderId: row.orderId,
    customerId: row.customerId,
    cardFingerprint: row.cardFingerprint,
    cardCountry: row.cardCountry,
    shippingCountry: row.shippingCountry,
    total: { amount: row.total, currency: row.currency },
    units: row.units,
    score: row.score,
    reasons: row.reasons === '' ? [] : (row.reasons.split(',') as RiskReason[]),
    placedAt: row.placedAt,
    assessedAt: row.assessedAt,
  };
}

function toRow(assessment: StoredAssessment): AssessmentRow {
  return {
    orderId: assessment.orderId,
    customerId: assessment.customerId,
    cardFingerprint: assessment.cardFingerprint,
    cardCountry: assessment.cardCountry,
    shippingCountry: assessment.shippingCountry,
    currency: assessment.total.currency,
    total: assessment.total.amount,
    units: assessment.units,
    score: assessment.score,
    reasons: assessment.reasons.join(','),
    placedAt: assessment.placedAt,
    assessedAt: assessment.assessedAt,
  };
}

/**
 * Inserts the row unless its key is there; answers whether it did. PostgreSQL and SQLite in one statement that
 * leaves the transaction usable (a unique violation would abort it on PostgreSQL), its affected rows saying whether
 * it inserted. SQL Server, where TypeORM has no ignore-on-conflict, looks the key up first; a twin inserting at the
 * same instant fails on the key, which ends the statement but not the transaction there (XACT_ABORT is off), so it
 * counts as present.
 */
async function insertIfAbsent(
  manager: EntityManager,
  entity: EntitySchema<ObjectLiteral>,
  key: ObjectLiteral,
  row: ObjectLiteral,
): Promise<boolean> {
  if (dialectOf(manager.connection) === 'mssql') {
    if (await manager.existsBy(entity, key)) return false;
    try {
      await manager.insert(entity, row);
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }
  // InsertResult carries no affected count, so the statement runs through the query runner's structured result.
  const [sql, parameters] = manager
    .createQueryBuilder()
    .insert()
    .into(entity)
    .values(row)
    .orIgnore()
    .getQueryAndParameters();
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    const result = await runner.query(sql, parameters, true);
    return (result.affected ?? 0) > 0;
  } finally {
    if (!manager.queryRunner) await runner.release();
  }
}

/** Adds in the database (`SET n = n + d`), inserting the row at zero first when it is not there. */
async function increment(
  manager: EntityManager,
  entity: EntitySchema<ObjectLiteral>,
  key: ObjectLiteral,
  zero: ObjectLiteral,
  deltas: Record<string, number>,
): Promise<void> {
  const metadata = manager.connection.getMetadata(entity);
  const set: Record<string, () => string> = {};
  for (const [property, by] of Object.entries(deltas)) {
    if (!Number.isSafeInteger(by)) throw new Error(`${by} is not an integer to add to ${property}`);
    const column = metadata.findColumnWithPropertyName(property)?.databaseName;
    if (!column) throw new Error(`${metadata.tableName} has no column for ${property}`);
    set[property] = () => `${column} + ${by}`;
  }
  const update = () => manager.createQueryBuilder().update(entity).set(set).where(key).execute();
  if ((await update()).affected) return;
  await insertIfAbsent(manager, entity, key, { ...key, ...zero });
  await update();
}

const untyped = <T extends ObjectLiteral>(entity: EntitySchema<T>) => entity as unknown as EntitySchema<ObjectLiteral>;

function storeOn(manager: EntityManager, rollbackWith: <V>(value: V) => V): FraudStore {
  const assessments = manager.getRepository(AssessmentEntity);
  const declines = manager.getRepository(DeclineEntity);
  return {
    async assessment(orderId) {
      const row = await assessments.findOneBy({ orderId });
      return row ? toAssessment(row) : null;
    },
    async history({ customerId, cardFingerprint, currency, from, to, orderId }) {
      const window = Between(from, to);
      // One after another: inside a transaction the statements share one connection, which runs one at a time.
      const customerOrders = await assessments.countBy({ customerId, placedAt: window, orderId: Not(orderId) });
      const cardOrders = await assessments.countBy({ cardFingerprint, placedAt: window, orderId: Not(orderId) });
      const customerDeclines = await declines.countBy({ customerId, failedAt: window });
      const cardDeclines = await declines.countBy({ cardFingerprint, failedAt: window });
      const profile = await manager.findOneBy(CustomerProfileEntity, { customerId });
      const amounts = await manager.findOneBy(CustomerAmountsEntity, { customerId, currency });
      const buckets = await manager.findBy(ShopAmountBucketEntity, { currency });
      return {
        customerOrdersInWindow: customerOrders,
        cardOrdersInWindow: cardOrders,
        customerDeclinesInWindow: customerDeclines,
        cardDeclinesInWindow: cardDeclines,
        registeredAt: profile?.registeredAt ?? null,
        paidAmounts: amounts
          ? {
              count: amounts.paidOrders,
              logMicrosSum: amounts.logMicrosSum,
              logSquareMicrosSum: amounts.logSquareMicrosSum,
            }
          : null,
        shopAmounts: buckets.map((row) => ({ bucket: row.bucket, count: row.assessments })),
      };
    },
    insertAssessment(assessment) {
      return insertIfAbsent(manager, untyped(AssessmentEntity), { orderId: assessment.orderId }, toRow(assessment));
    },
    countCustomerAssessment(customerId) {
      return increment(
        manager,
        untyped(CustomerAssessmentCountEntity),
        { customerId },
        { assessments: 0 },
        { assessments: 1 },
      );
    },
    countShopAmount(currency, bucket) {
      return increment(
        manager,
        untyped(ShopAmountBucketEntity),
        { currency, bucket },
        { assessments: 0 },
        {
          assessments: 1,
        },
      );
    },
    async registerCustomer(customerId, registeredAt) {
      await insertIfAbsent(manager, untyped(CustomerProfileEntity), { customerId }, { customerId, registeredAt });
    },
    addPaidAmount(customerId, currency, moments) {
      return increment(
        manager,
        untyped(CustomerAmountsEntity),
        { customerId, currency },
        { paidOrders: 0, logMicrosSum: 0, logSquareMicrosSum: 0 },
        {
          paidOrders: moments.count,
          logMicrosSum: moments.logMicrosSum,
          logSquareMicrosSum: moments.logSquareMicrosSum,
        },
      );
    },
    insertDecline(decline) {
      return insertIfAbsent(manager, untyped(DeclineEntity), { orderId: decline.orderId }, { ...decline });
    },
    rollbackWith,
  };
}
