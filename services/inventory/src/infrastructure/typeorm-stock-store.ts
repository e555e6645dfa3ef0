import { bindStore, dialectOf, isUniqueViolation, type KeysetPage, keysetPage, type StoreIn, type Tx } from '@shop/kit';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import {
  type InventoryTx,
  type ReservationAnnouncement,
  type ReservationChange,
  ReservationExistsError,
  type StockAdjustment,
  type StockListQuery,
  type StockStore,
} from '../application/stock-store';
import { levelAnnouncements } from '../domain/inventory-events';
import type { Rejection, ReleaseReason, Reservation, ReservationLine, ReservationStatus } from '../domain/reservation';
import { maxOnHand, type StockItem } from '../domain/stock-levels';
import {
  ReservationEntity,
  type ReservationRecord,
  StockAdjustmentEntity,
  StockItemEntity,
  type StockItemRecord,
} from './entities';
import { insertReservationOnPostgres, reserveAndAnnounceOnPostgres } from './postgres-reservation';
import { countedReservations } from './reservation-metrics';
import { forgetWrittenRows, rememberWrittenRow, writtenRowOf } from './written-rows';

type CounterChange = Pick<QueryDeepPartialEntity<StockItemRecord>, 'onHand' | 'reserved'>;

/**
 * The StockStore on TypeORM's QueryBuilder, so that one code path serves SQLite, PostgreSQL and SQL Server
 * (the builder writes each dialect's placeholders). Counters only ever change through `changeCounters`:
 * one UPDATE whose WHERE carries the guard, its rows affected telling whether the guard held. On PostgreSQL
 * a waiting UPDATE re-evaluates its WHERE on the row as the previous writer committed it, so concurrent
 * writers can never both pass a guard that only one of them fits.
 */
export class TypeOrmStockStore implements StoreIn<StockStore, Tx> {
  async findItem(tx: Tx, productId: string): Promise<StockItem | undefined> {
    const written = writtenRowOf(tx, productId);
    if (written) return written;
    return (await tx.manager.findOneBy(StockItemEntity, { productId })) ?? undefined;
  }

  async insertItem(tx: Tx, item: StockItem): Promise<boolean> {
    if (await tx.manager.existsBy(StockItemEntity, { productId: item.productId })) return false;
    // A concurrent twin that inserts first makes this throw a unique violation: the caller's retry finds it.
    await tx.manager.insert(StockItemEntity, item);
    return true;
  }

  adjustOnHand(tx: Tx, productId: string, delta: number, at: Date): Promise<boolean> {
    return changeCounters(
      tx,
      productId,
      { onHand: () => 'on_hand + :delta' },
      'on_hand + :delta >= reserved AND on_hand + :delta <= :maxOnHand',
      { delta, maxOnHand },
      at,
    );
  }

  async reserveLines(
    tx: Tx,
    lines: ReservationLine[],
    at: Date,
    announcement: ReservationAnnouncement,
  ): Promise<ReservationLine[]> {
    if (dialectOf(tx.manager.connection) === 'postgres') {
      // The reserved event rides with the last line's statement; a short line before it rolls it back with
      // the savepoint.
      const last = lines[lines.length - 1];
      return allOrNone(tx, lines, (line) =>
        reserveAndAnnounceOnPostgres(tx, line, at, { ...announcement, withReserved: line === last }),
      );
    }
    const short = await allOrNone(tx, lines, (line) =>
      changeCounters(
        tx,
        line.productId,
        { reserved: () => 'reserved + :quantity' },
        'on_hand - reserved >= :quantity AND discontinued_at IS NULL',
        { quantity: line.quantity },
        at,
      ),
    );
    if (short.length > 0) return short;
    // The rows come from the UPDATEs' OUTPUT on SQL Server; SQLite reads them, which holds no one up there:
    // it runs one transaction at a time.
    for (const line of lines) {
      const item = await this.findItem(tx, line.productId);
      if (!item) throw new Error(`stock item ${line.productId} vanished inside its own transaction`);
      for (const event of levelAnnouncements(item, -line.quantity, announcement.lowStockThreshold, at)) {
        await tx.outbox(event.topic, event.envelope);
      }
    }
    await tx.outbox(announcement.reserved.topic, announcement.reserved.envelope);
    return [];
  }

  takeLines(tx: Tx, lines: ReservationLine[], at: Date): Promise<ReservationLine[]> {
    return allOrNone(tx, lines, (line) =>
      changeCounters(
        tx,
        line.productId,
        { onHand: () => 'on_hand - :quantity' },
        'on_hand - reserved >= :quantity',
        { quantity: line.quantity },
        at,
      ),
    );
  }

  async releaseLines(tx: Tx, lines: ReservationLine[], at: Date): Promise<void> {
    for (const line of lines) {
      const released = await changeCounters(
        tx,
        line.productId,
        { reserved: () => 'reserved - :quantity' },
        'reserved >= :quantity',
        { quantity: line.quantity },
        at,
      );
      if (!released) throw invariantBroken('release', line);
    }
  }

  async commitLines(tx: Tx, lines: ReservationLine[], at: Date): Promise<void> {
    for (const line of lines) {
      const committed = await changeCounters(
        tx,
        line.productId,
        { onHand: () => 'on_hand - :quantity', reserved: () => 'reserved - :quantity' },
        'reserved >= :quantity',
        { quantity: line.quantity },
        at,
      );
      if (!committed) throw invariantBroken('commit', line);
    }
  }

  async restockLines(tx: Tx, lines: ReservationLine[], at: Date): Promise<void> {
    for (const line of lines) {
      const restocked = await changeCounters(
        tx,
        line.productId,
        { onHand: () => 'on_hand + :quantity' },
        'on_hand + :quantity <= :maxOnHand',
        { quantity: line.quantity, maxOnHand },
        at,
      );
      if (!restocked) throw invariantBroken('restock', line);
    }
  }

  async discontinue(tx: Tx, productId: string, at: Date): Promise<boolean> {
    const result = await tx.manager
      .createQueryBuilder()
      .update(StockItemEntity)
      .set({ discontinuedAt: at, updatedAt: at })
      .where('product_id = :productId AND discontinued_at IS NULL', { productId })
      .execute();
    return result.affected === 1;
  }

  async listItems(tx: Tx, query: StockListQuery): Promise<KeysetPage<StockItem>> {
    const select = tx.manager.createQueryBuilder(StockItemEntity, 'item');
    if (query.maxAvailable !== undefined) {
      select.andWhere('item.onHand - item.reserved <= :maxAvailable', { maxAvailable: query.maxAvailable });
    }
    const after = query.afterProductId;
    return keysetPage(select, {
      key: 'productId',
      tieBreaker: 'productId',
      direction: 'ASC',
      limit: query.limit,
      after: after === undefined ? undefined : { value: after, id: after },
    });
  }

  async recordAdjustment(tx: Tx, adjustment: StockAdjustment): Promise<void> {
    const { at, ...fields } = adjustment;
    await tx.manager.insert(StockAdjustmentEntity, { ...fields, createdAt: at });
  }

  async findReservation(tx: Tx, orderId: string): Promise<Reservation | undefined> {
    const record = await tx.manager.findOneBy(ReservationEntity, { orderId });
    return record ? reservationOf(record) : undefined;
  }

  async insertReservation(tx: Tx, reservation: Reservation): Promise<{ inserted: true } | { existing: Reservation }> {
    if (dialectOf(tx.manager.connection) === 'postgres') {
      // One round trip on the hot path, with no aborted transaction when a twin got there first.
      if (await insertReservationOnPostgres(tx, recordOf(reservation))) return { inserted: true };
      // Nothing inserted: the twin committed first, and its row is visible to this next statement.
      const existing = await this.findReservation(tx, reservation.orderId);
      if (!existing) throw new ReservationExistsError(reservation.orderId);
      return { existing };
    }
    const existing = await this.findReservation(tx, reservation.orderId);
    if (existing) return { existing };
    try {
      await tx.manager.insert(ReservationEntity, recordOf(reservation));
      return { inserted: true };
    } catch (error) {
      if (isUniqueViolation(error)) throw new ReservationExistsError(reservation.orderId);
      throw error;
    }
  }

  async changeReservation(tx: Tx, orderId: string, change: ReservationChange): Promise<boolean> {
    const update = tx.manager
      .createQueryBuilder()
      .update(ReservationEntity)
      .set({
        status: change.to,
        updatedAt: change.at,
        ...(change.releaseReason !== undefined ? { releaseReason: change.releaseReason } : {}),
        ...(change.rejection !== undefined ? { rejection: JSON.stringify(change.rejection) } : {}),
      })
      .where('order_id = :orderId AND status IN (:...from)', { orderId, from: [...change.from] });
    if (change.expiredBy) update.andWhere('expires_at <= :expiredBy', { expiredBy: change.expiredBy });
    return (await update.execute()).affected === 1;
  }

  async findExpired(tx: Tx, now: Date, limit: number): Promise<Reservation[]> {
    // The status is a literal, not a bound parameter: only then can SQLite's planner use the partial index
    // on held reservations instead of scanning the whole table.
    const records = await tx.manager
      .createQueryBuilder(ReservationEntity, 'reservation')
      .where("reservation.status = 'held'")
      .andWhere('reservation.expiresAt <= :now', { now })
      .orderBy('reservation.expiresAt', 'ASC')
      .take(limit)
      .getMany();
    return records.map(reservationOf);
  }
}

/** The one way counters change: a guarded UPDATE that also bumps the version. Answers whether the guard held. */
async function changeCounters(
  tx: Tx,
  productId: string,
  counters: CounterChange,
  guard: string,
  parameters: Record<string, number>,
  at: Date,
): Promise<boolean> {
  const update = tx.manager
    .createQueryBuilder()
    .update(StockItemEntity)
    .set({ ...counters, version: () => 'version + 1', updatedAt: at })
    .where(`product_id = :productId AND ${guard}`, { productId, ...parameters });
  // The row comes back in the same round trip: RETURNING on PostgreSQL; on SQL Server TypeORM sends one batch
  // (DECLARE a table variable, UPDATE … OUTPUT INSERTED.… INTO it, SELECT it), whose datetime copies of the
  // timestamps are rounded, which nothing here reads. TypeORM has no RETURNING for SQLite, which runs one
  // transaction at a time, so its read after the UPDATE holds no one up.
  const returning = dialectOf(tx.manager.connection) !== 'sqlite';
  if (returning)
    update.returning(['productId', 'onHand', 'reserved', 'version', 'discontinuedAt', 'createdAt', 'updatedAt']);
  const result = await update.execute();
  // The returned rows are exactly the rows the UPDATE changed: the most direct answer to whether the guard
  // held, whatever a driver counts as rows affected in a batch.
  const rows = returning && Array.isArray(result.raw) ? (result.raw as unknown[]) : undefined;
  const applied = rows ? rows.length === 1 : result.affected === 1;
  if (applied && rows?.[0]) rememberWrittenRow(tx, rows[0]);
  return applied;
}

/**
 * Applies a change to every line inside a savepoint and keeps it only if it applied to all of them: "all
 * lines or none" without rolling back the caller's transaction (which also records the refusal, and on a
 * consumer the inbox entry). Every line is tried so that the refusal names every short one.
 */
async function allOrNone(
  tx: Tx,
  lines: ReservationLine[],
  change: (line: ReservationLine) => Promise<boolean>,
): Promise<ReservationLine[]> {
  // More than can ever be on hand is short without asking, and never reaches an integer parameter it would
  // overflow (lines for the same product are summed before they get here).
  const apply = async (line: ReservationLine) => line.quantity <= maxOnHand && change(line);
  if (lines.length === 1) {
    const [line] = lines as [ReservationLine];
    return (await apply(line)) ? [] : [line];
  }
  const queryRunner = tx.manager.queryRunner;
  if (!queryRunner?.isTransactionActive) throw new Error('allOrNone needs the transaction of the caller');
  // Inside an active transaction TypeORM's startTransaction is a SAVEPOINT (SAVE TRANSACTION on SQL Server).
  await queryRunner.startTransaction();
  try {
    const short: ReservationLine[] = [];
    for (const line of lines) if (!(await apply(line))) short.push(line);
    if (short.length > 0) {
      await queryRunner.rollbackTransaction();
      forgetWrittenRows(tx); // the rolled-back UPDATEs' rows are not the rows any more
    } else await queryRunner.commitTransaction();
    return short;
  } catch (error) {
    await queryRunner.rollbackTransaction();
    forgetWrittenRows(tx);
    throw error;
  }
}

function invariantBroken(operation: string, line: ReservationLine): Error {
  return new Error(
    `stock of ${line.productId} cannot ${operation} ${line.quantity}: its reservation and its counters disagree`,
  );
}

function reservationOf(record: ReservationRecord): Reservation {
  return {
    id: record.id,
    orderId: record.orderId,
    status: record.status as ReservationStatus,
    lines: JSON.parse(record.lines) as ReservationLine[],
    expiresAt: record.expiresAt,
    releaseReason: record.releaseReason as ReleaseReason | null,
    rejection: record.rejection === null ? null : (JSON.parse(record.rejection) as Rejection),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

function recordOf(reservation: Reservation): ReservationRecord {
  return {
    ...reservation,
    lines: JSON.stringify(reservation.lines),
    rejection: reservation.rejection === null ? null : JSON.stringify(reservation.rejection),
  };
}

const stockStore = new TypeOrmStockStore();

/** A kit transaction as the inventory's use cases see it: the stock store bound to it and its outbox. */
export function inventoryTx(tx: Tx): InventoryTx {
  return {
    stock: countedReservations(bindStore<StockStore, Tx>(stockStore, tx), tx.manager.dataSource),
    outbox: (topic, event) => tx.outbox(topic, event),
    rollbackWith: (value) => tx.rollbackWith(value),
  };
}
