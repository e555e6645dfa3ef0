import { isNewerProductChange, type Money, type OrderLine } from '@shop/contracts';
import { dialectOf, type Tx, transaction } from '@shop/kit';
import { Between, type DataSource, type EntityManager, type EntitySchema, type ObjectLiteral } from 'typeorm';
import type { ActivityCounts, AnalyticsReads, AnalyticsStore, RevenueCounts, UnitOfWork } from '../application/ports';
import { type Effect, newOrderFact, type OrderFact } from '../domain/order-fact';
import {
  ActivityHourEntity,
  OrderFactEntity,
  type OrderFactRow,
  ProductDayEntity,
  ProductEntity,
  RevenueHourEntity,
} from './entities';

const emptyActivity = {
  placed: 0,
  held: 0,
  paid: 0,
  cancelled: 0,
  registered: 0,
  failedOutOfStock: 0,
  failedPaymentDeclined: 0,
  failedReservationExpired: 0,
  failedFraudSuspected: 0,
};

/** One counter row and what to add to its counters (property → delta). */
interface Increment {
  entity: EntitySchema<ObjectLiteral>;
  key: ObjectLiteral;
  zero: ObjectLiteral;
  deltas: Map<string, number>;
}

/** The counter tables, as the untyped targets an increment addresses by column name. */
const counters = {
  activity: ActivityHourEntity as unknown as EntitySchema<ObjectLiteral>,
  revenue: RevenueHourEntity as unknown as EntitySchema<ObjectLiteral>,
  productDay: ProductDayEntity as unknown as EntitySchema<ObjectLiteral>,
};

/** Effects on the same row are merged, so that a row is written once per event. */
function incrementsOf(effects: Effect[]): Increment[] {
  const rows = new Map<string, Increment>();
  const add = (id: string, make: () => Omit<Increment, 'deltas'>, column: string, by: number) => {
    if (by === 0) return;
    const row = rows.get(id) ?? { ...make(), deltas: new Map<string, number>() };
    row.deltas.set(column, (row.deltas.get(column) ?? 0) + by);
    rows.set(id, row);
  };
  for (const effect of effects) {
    if (effect.kind === 'activity') {
      const make = () => ({ entity: counters.activity, key: { hour: effect.hour }, zero: emptyActivity });
      add(`a:${effect.hour}`, make, effect.field, effect.by);
    } else if (effect.kind === 'revenue') {
      const key = { hour: effect.hour, currency: effect.currency };
      const make = () => ({ entity: counters.revenue, key, zero: { paidOrders: 0, paidMinor: 0, refundedMinor: 0 } });
      const id = `r:${effect.hour}:${effect.currency}`;
      add(id, make, 'paidOrders', effect.paidOrders);
      add(id, make, 'paidMinor', effect.paidMinor);
      add(id, make, 'refundedMinor', effect.refundedMinor);
    } else {
      const key = { productId: effect.productId, day: effect.day, currency: effect.currency };
      const make = () => ({ entity: counters.productDay, key, zero: { quantity: 0, revenueMinor: 0 } });
      const id = `p:${effect.productId}:${effect.day}:${effect.currency}`;
      add(id, make, 'quantity', effect.quantity);
      add(id, make, 'revenueMinor', effect.revenueMinor);
    }
  }
  return [...rows.values()];
}

/**
 * Inserts the row of `key` (with `values`) unless it is there. On PostgreSQL and SQLite one statement, which waits
 * for a twin insert in flight and then inserts nothing; TypeORM has no such statement for SQL Server, where the row
 * is looked up first and a twin inserting at the same moment fails on the key (its event is delivered again).
 */
async function insertIfAbsent(
  manager: EntityManager,
  entity: EntitySchema<ObjectLiteral>,
  key: ObjectLiteral,
  values: ObjectLiteral,
): Promise<void> {
  if (dialectOf(manager.connection) === 'mssql') {
    if (!(await manager.existsBy(entity, key))) await manager.insert(entity, { ...key, ...values });
    return;
  }
  await manager
    .createQueryBuilder()
    .insert()
    .into(entity)
    .values({ ...key, ...values })
    .orIgnore()
    .execute();
}

/**
 * Adds in the database (`SET n = n + d`), so concurrent events on one row never lose a count; a row not there
 * yet is inserted at zero first.
 */
async function increment(manager: EntityManager, row: Increment): Promise<void> {
  const metadata = manager.connection.getMetadata(row.entity);
  const set: Record<string, () => string> = {};
  for (const [property, by] of row.deltas) {
    if (!Number.isSafeInteger(by)) throw new Error(`${by} is not an integer to add to ${property}`);
    const column = metadata.findColumnWithPropertyName(property)?.databaseName;
    if (!column) throw new Error(`${metadata.tableName} has no counter ${property}`);
    set[property] = () => `${column} + ${by}`;
  }
  const update = () => manager.createQueryBuilder().update(row.entity).set(set).where(row.key).execute();
  const result = await update();
  if (result.affected) return;
  await insertIfAbsent(manager, row.entity, row.key, row.zero);
  await update();
}

const toNumber = (value: string | number) => Number(value);

function toOrderFact(row: OrderFactRow): OrderFact {
  const total: Money | null =
    row.currency !== null && row.totalMinor !== null
      ? { amount: toNumber(row.totalMinor), currency: row.currency }
      : null;
  return {
    orderId: row.orderId,
    placedAt: row.placedAt,
    heldAt: row.heldAt,
    paidAt: row.paidAt,
    failedAt: row.failedAt,
    cancelledAt: row.cancelledAt,
    total,
    lines: row.linesJson === null ? null : (JSON.parse(row.linesJson) as OrderLine[]),
    revenueCounted: Boolean(row.revenueCounted),
    unitsCounted: Boolean(row.unitsCounted),
  };
}

function toOrderFactRow(fact: OrderFact): OrderFactRow {
  return {
    orderId: fact.orderId,
    placedAt: fact.placedAt,
    heldAt: fact.heldAt,
    paidAt: fact.paidAt,
    failedAt: fact.failedAt,
    cancelledAt: fact.cancelledAt,
    currency: fact.total?.currency ?? null,
    totalMinor: fact.total?.amount ?? null,
    linesJson: fact.lines === null ? null : JSON.stringify(fact.lines),
    revenueCounted: fact.revenueCounted,
    unitsCounted: fact.unitsCounted,
  };
}

/** The store of a transaction the kit opened (the event intake's). */
export function storeOfTx(tx: Tx): AnalyticsStore {
  const { manager } = tx;
  const locks = dialectOf(manager.connection) !== 'sqlite'; // SQLite writes one transaction at a time anyway
  const facts = manager.getRepository(OrderFactEntity);
  const products = manager.getRepository(ProductEntity);
  /** SQLite: the facts this transaction read as absent, so their save inserts them. */
  const unsaved = new Set<string>();
  return {
    async orderFact(orderId) {
      if (!locks) {
        // SQLite: nothing else writes until this transaction ends, so a read is enough; a fact read as absent is
        // inserted when it is saved.
        const row = await facts.findOneBy({ orderId });
        if (row) return toOrderFact(row);
        unsaved.add(orderId);
        return newOrderFact(orderId);
      }
      // The row is made first, so that there is always one to lock: locked until the event's transaction ends,
      // two events of one order are applied one after the other, the second seeing what the first wrote.
      const target = OrderFactEntity as unknown as EntitySchema<ObjectLiteral>;
      await insertIfAbsent(manager, target, { orderId }, toOrderFactRow(newOrderFact(orderId)));
      const query = facts
        .createQueryBuilder('fact')
        .where('fact.order_id = :orderId', { orderId })
        .setLock('pessimistic_write');
      const row = await query.getOne();
      return row ? toOrderFact(row) : newOrderFact(orderId);
    },
    async saveOrderFact(fact) {
      const row = toOrderFactRow(fact);
      if (unsaved.delete(row.orderId)) {
        await facts.insert(row);
        return;
      }
      const { orderId, ...rest } = row;
      await facts.update({ orderId }, rest);
    },
    async apply(effects) {
      for (const row of incrementsOf(effects)) await increment(manager, row);
    },
    async nameProduct({ productId, name, at, version }) {
      const known = await products.findOneBy({ productId });
      const nameVersion = version ?? null;
      if (!known) {
        await products.insert({ productId, name, namedAt: at, nameVersion, available: null, stockVersion: null });
      } else if (
        !known.namedAt ||
        isNewerProductChange(
          { atMs: at.getTime(), ...(version === undefined ? {} : { version }) },
          { atMs: known.namedAt.getTime(), ...(known.nameVersion === null ? {} : { version: known.nameVersion }) },
        )
      ) {
        await products.update({ productId }, { name, namedAt: at, nameVersion });
      }
    },
    async stockProduct({ productId, available, version }) {
      // The usual case in one statement: the product is known and this change is newer than the one it shows.
      const { affected } = await manager
        .createQueryBuilder()
        .update(ProductEntity)
        .set({ available, stockVersion: version })
        .where('product_id = :productId AND (stock_version IS NULL OR stock_version < :version)', {
          productId,
          version,
        })
        .execute();
      if (affected) return;
      const known = await products.findOneBy({ productId });
      if (!known) {
        await products.insert({
          productId,
          name: null,
          namedAt: null,
          nameVersion: null,
          available,
          stockVersion: version,
        });
      }
    },
  };
}

export function typeormUnitOfWork(dataSource: DataSource): UnitOfWork {
  return (work) => transaction(dataSource, (tx) => work(storeOfTx(tx)));
}

const inRange = (range: { first: number; end: number }) => Between(range.first, range.end - 1);

interface RawRevenue {
  currency: string;
  paidOrders: string | number;
  paidMinor: string | number;
  refundedMinor: string | number;
}

const toRevenueCounts = (row: RawRevenue): RevenueCounts => ({
  currency: row.currency,
  paidOrders: Number(row.paidOrders),
  paidMinor: Number(row.paidMinor),
  refundedMinor: Number(row.refundedMinor),
});

/** A bucket size goes into the SQL text (integer division groups the hours): only a whole number may. */
function wholeNumber(value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${value} is not a bucket size in hours`);
  return value;
}

export function typeormReads(dataSource: DataSource): AnalyticsReads {
  // Integer division (`hour / n`) truncates on all three databases; hours are never negative, so it is floor.
  const revenueQuery = (hours: { first: number; end: number }) =>
    dataSource
      .getRepository(RevenueHourEntity)
      .createQueryBuilder('r')
      .select('r.currency', 'currency')
      .addSelect('SUM(r.paid_orders)', 'paidOrders')
      .addSelect('SUM(r.paid_minor)', 'paidMinor')
      .addSelect('SUM(r.refunded_minor)', 'refundedMinor')
      .where('r.hour >= :first AND r.hour < :end', hours)
      .groupBy('r.currency');
  return {
    async activityTotals(hours) {
      const row = await dataSource
        .getRepository(ActivityHourEntity)
        .createQueryBuilder('a')
        .select('COALESCE(SUM(a.placed), 0)', 'placed')
        .addSelect('COALESCE(SUM(a.held), 0)', 'held')
        .addSelect('COALESCE(SUM(a.paid), 0)', 'paid')
        .addSelect('COALESCE(SUM(a.cancelled), 0)', 'cancelled')
        .addSelect('COALESCE(SUM(a.registered), 0)', 'registered')
        .addSelect('COALESCE(SUM(a.failed_out_of_stock), 0)', 'failedOutOfStock')
        .addSelect('COALESCE(SUM(a.failed_payment_declined), 0)', 'failedPaymentDeclined')
        .addSelect('COALESCE(SUM(a.failed_reservation_expired), 0)', 'failedReservationExpired')
        .addSelect('COALESCE(SUM(a.failed_fraud_suspected), 0)', 'failedFraudSuspected')
        .where('a.hour >= :first AND a.hour < :end', hours)
        .getRawOne<Record<keyof ActivityCounts, string | number>>();
      return Object.fromEntries(
        Object.keys(emptyActivity).map((field) => [field, Number(row?.[field as keyof ActivityCounts] ?? 0)]),
      ) as ActivityCounts;
    },
    async paidPerBucket(hours, hoursPerBucket) {
      const bucket = `a.hour / ${wholeNumber(hoursPerBucket)}`;
      const rows = await dataSource
        .getRepository(ActivityHourEntity)
        .createQueryBuilder('a')
        .select(bucket, 'bucket')
        .addSelect('SUM(a.paid)', 'paid')
        .where('a.hour >= :first AND a.hour < :end', hours)
        .groupBy(bucket)
        .getRawMany<{ bucket: string | number; paid: string | number }>();
      return rows.map((row) => ({ bucket: Number(row.bucket), paid: Number(row.paid) }));
    },
    async revenueTotals(hours) {
      const rows = await revenueQuery(hours).getRawMany<RawRevenue>();
      return rows.map(toRevenueCounts);
    },
    async revenuePerBucket(hours, hoursPerBucket) {
      const bucket = `r.hour / ${wholeNumber(hoursPerBucket)}`;
      const rows = await revenueQuery(hours)
        .addSelect(bucket, 'bucket')
        .addGroupBy(bucket)
        .getRawMany<RawRevenue & { bucket: string | number }>();
      return rows.map((row) => ({ ...toRevenueCounts(row), bucket: Number(row.bucket) }));
    },
    async topProducts(days, limit) {
      const rows = await dataSource
        .getRepository(ProductDayEntity)
        .createQueryBuilder('sales')
        .leftJoin(ProductEntity.options.name, 'product', 'product.product_id = sales.product_id')
        .select('sales.product_id', 'productId')
        .addSelect('sales.currency', 'currency')
        .addSelect('MAX(product.name)', 'name')
        .addSelect('SUM(sales.quantity)', 'quantity')
        .addSelect('SUM(sales.revenue_minor)', 'revenueMinor')
        .where('sales.day >= :first AND sales.day < :end', days)
        .groupBy('sales.product_id')
        .addGroupBy('sales.currency')
        .having('SUM(sales.quantity) > 0')
        .orderBy('SUM(sales.quantity)', 'DESC')
        .addOrderBy('sales.product_id', 'ASC')
        .limit(limit)
        .getRawMany<{
          productId: string;
          currency: string;
          name: string | null;
          quantity: string | number;
          revenueMinor: string | number;
        }>();
      return rows.map((row) => ({
        productId: row.productId,
        name: row.name,
        currency: row.currency,
        quantity: Number(row.quantity),
        revenueMinor: Number(row.revenueMinor),
      }));
    },
    async stockedProducts() {
      const rows = await dataSource
        .getRepository(ProductEntity)
        .createQueryBuilder('product')
        .where('product.available IS NOT NULL')
        .getMany();
      return rows.map((row) => ({ productId: row.productId, name: row.name, available: Number(row.available) }));
    },
    async unitsPerDay(days) {
      const rows = await dataSource.getRepository(ProductDayEntity).findBy({ day: inRange(days) });
      return rows.map((row) => ({ productId: row.productId, day: Number(row.day), quantity: Number(row.quantity) }));
    },
  };
}
