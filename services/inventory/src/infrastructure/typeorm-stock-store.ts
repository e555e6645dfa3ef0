import { dialectOf, isUniqueViolation, type Tx } from '@shop/kit';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import {
  type ReservationChange,
  ReservationExistsError,
  type StockAdjustment,
  type StockListQuery,
  type StockStore,
} from '../application/stock-store';
import type { Rejection, ReleaseReason, Reservation, ReservationLine, ReservationStatus } from '../domain/reservation';
import { maxOnHand, type StockItem } from '../domain/stock-levels';
import {
  ReservationEntity,
  type ReservationRecord,
  StockAdjustmentEntity,
  StockItemEntity,
  type StockItemRecord,
} from './entities';

type CounterChange = Pick<QueryDeepPartialEntity<StockItemRecord>, 'onHand' | 'reserved'>;

/**
 * The StockStore on TypeORM's QueryBuilder, so that one code path serves SQLite, PostgreSQL and SQL Server
 * (the builder writes each dialect's placeholders). Counters only ever change through `changeCounters`:
 * one UPDATE whose WHERE carries the guard, its rows affected telling whether the guard held. On PostgreSQL
 * a waiting UPDATE re-evaluates its WHERE on the row as the previous writer committed it, so concurrent
 * writers can never both pass a guard that only one of them fits.
 */
export class TypeOrmStockStore implements StockStore {
  async findItem(tx: Tx, productId: string): Promise<StockItem | undefined> {
    const written = writtenRows.get(tx)?.get(productId);
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

  reserveLines(tx: Tx, lines: ReservationLine[], at: Date): Promise<ReservationLine[]> {
    return allOrNone(tx, lines, (line) =>
      changeCounters(
        tx,
        line.productId,
        { reserved: () => 'reserved + :quantity' },
        'on_hand - reserved >= :quantity AND discontinued_at IS NULL',
        { quantity: line.quantity },
        at,
      ),
    );
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

  async listItems(tx: Tx, query: StockListQuery): Promise<StockItem[]> {
    const select = tx.manager
      .createQueryBuilder(StockItemEntity, 'item')
      .orderBy('item.productId', 'ASC')
      .limit(query.limit);
    if (query.afterProductId !== undefined) {
      select.andWhere('item.productId > :after', { after: query.afterProductId });
    }
    if (query.maxAvailable !== undefined) {
      select.andWhere('item.onHand - item.reserved <= :maxAvailable', { maxAvailable: query.maxAvailable });
    }
    return select.getMany();
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
      // One round trip on the hot path: a twin that committed first leaves nothing inserted (and no aborted
      // transaction), one still running makes this wait on the order's key, then do nothing.
      const { raw } = await tx.manager
        .createQueryBuilder()
        .insert()
        .into(ReservationEntity)
        .values(recordOf(reservation))
        .orIgnore()
        .returning(['id'])
        .execute();
      if ((raw as unknown[]).length === 1) return { inserted: true };
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

/**
 * Rows as this transaction's own counter UPDATEs left them (RETURNING), so announcing the levels needs no
 * second read while the row's lock is held. Only rows this transaction wrote are kept: it holds their locks
 * until it ends, so nobody else can have changed them since.
 */
const writtenRows = new WeakMap<Tx, Map<string, StockItem>>();

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
  // PostgreSQL only: SQL Server's OUTPUT would need a table variable and SQLite has no writer to race.
  const returning = dialectOf(tx.manager.connection) === 'postgres';
  if (returning)
    update.returning(['productId', 'onHand', 'reserved', 'version', 'discontinuedAt', 'createdAt', 'updatedAt']);
  const result = await update.execute();
  const applied = result.affected === 1;
  const [row] = (returning && Array.isArray(result.raw) ? result.raw : []) as ReturnedRow[];
  if (applied && row) {
    let rows = writtenRows.get(tx);
    if (!rows) {
      rows = new Map();
      writtenRows.set(tx, rows);
    }
    rows.set(productId, itemOfRow(row));
  }
  return applied;
}

interface ReturnedRow {
  product_id: string;
  on_hand: number | string;
  reserved: number | string;
  version: number | string;
  discontinued_at: Date | string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

function itemOfRow(row: ReturnedRow): StockItem {
  return {
    productId: row.product_id,
    onHand: Number(row.on_hand),
    reserved: Number(row.reserved),
    version: Number(row.version),
    discontinuedAt: row.discontinued_at === null ? null : new Date(row.discontinued_at),
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
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
      writtenRows.delete(tx); // the rolled-back UPDATEs' rows are not the rows any more
    } else await queryRunner.commitTransaction();
    return short;
  } catch (error) {
    await queryRunner.rollbackTransaction();
    writtenRows.delete(tx);
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
