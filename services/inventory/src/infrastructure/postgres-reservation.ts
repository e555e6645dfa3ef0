import { type OutboxRow, outboxRowForStatement, type Tx } from '@shop/kit';
import type { ReservationAnnouncement } from '../application/stock-store';
import { type InventoryEvent, lowStock, stockChanged } from '../domain/inventory-events';
import type { ReservationLine } from '../domain/reservation';
import { levelsOf } from '../domain/stock-levels';
import type { ReservationRecord } from './entities';
import { preparedQuery } from './postgres-prepared';
import { rememberWrittenRow } from './written-rows';

// A hot product's row is locked from its UPDATE to COMMIT, and its reservations go one after another for as
// long as that takes: every round trip inside that window divides the rate (research/performance.md §4).
// So on PostgreSQL the UPDATE and the outbox rows that announce it are one statement, and the events that need
// the new levels take them from the UPDATE's RETURNING inside it.

const reserveLine = `
  UPDATE stock_items
  SET reserved = reserved + $1, version = version + 1, updated_at = $2
  WHERE product_id = $3 AND on_hand - reserved >= $1 AND discontinued_at IS NULL
  RETURNING product_id, on_hand, reserved, version, discontinued_at, created_at, updated_at`;

// The events are built by the domain; only the numbers the UPDATE decides are laid over their payloads here.
const changedLevels = `jsonb_build_object(
  'onHand', on_hand, 'reserved', reserved, 'available', on_hand - reserved, 'version', version)`;
const lowStockLevel = `jsonb_build_object('available', on_hand - reserved)`;
// crossedLowStock: the reservation took available from above the threshold ($4) to at or below it.
const crossedLowStock = 'on_hand - reserved + $1 > $4 AND on_hand - reserved <= $4';

const fixedParameters = 4;
const parametersPerEvent = 7;

/**
 * One line's guarded reservation and, if it applied, the outbox rows announcing it (stock-changed, low-stock
 * when crossed, and the reservation's stock-reserved when `withReserved`), in one statement. Answers whether
 * the line was reserved; the row it left is remembered for the transaction's later reads.
 */
export async function reserveAndAnnounceOnPostgres(
  tx: Tx,
  line: ReservationLine,
  at: Date,
  announcement: ReservationAnnouncement & { withReserved: boolean },
): Promise<boolean> {
  // Placeholder levels: the statement replaces every one of them with the row's.
  const levels = levelsOf({ productId: line.productId, onHand: 0, reserved: 0 });
  const events: { event: InventoryEvent; payload: (parameter: string) => string; condition?: string }[] = [
    {
      event: stockChanged(levels, 0, at),
      payload: (parameter) => `(${parameter}::jsonb || ${changedLevels})::text`,
    },
    {
      event: lowStock(line.productId, 0, announcement.lowStockThreshold, at),
      payload: (parameter) => `(${parameter}::jsonb || ${lowStockLevel})::text`,
      condition: crossedLowStock,
    },
  ];
  if (announcement.withReserved) events.push({ event: announcement.reserved, payload: (parameter) => parameter });

  const parameters: unknown[] = [line.quantity, at, line.productId, announcement.lowStockThreshold];
  const selects = events.map(({ event, payload, condition }, index) => {
    const first = fixedParameters + index * parametersPerEvent + 1;
    const [id, topic, type, json, occurredAt, createdAt, traceparent] = Array.from(
      { length: parametersPerEvent },
      (_, offset) => `$${first + offset}`,
    );
    parameters.push(...outboxValues(outboxRowForStatement(tx, event.topic, event.envelope)));
    return (
      `SELECT ${id}, ${topic}, ${type}, ${payload(json as string)}, ${occurredAt}::timestamptz, ` +
      `${createdAt}::timestamptz, ${traceparent}::varchar FROM changed${condition ? ` WHERE ${condition}` : ''}`
    );
  });
  const statement = `
    WITH changed AS (${reserveLine}),
    announced AS (
      INSERT INTO outbox_events (id, topic, type, payload, occurred_at, created_at, traceparent)
      ${selects.join('\n      UNION ALL ')}
    )
    SELECT * FROM changed`;

  const [row] = await preparedQuery(tx, `inventory_reserve_line_${events.length}_events`, statement, parameters);
  if (!row) return false;
  rememberWrittenRow(tx, row);
  return true;
}

const insertReservation = `
  INSERT INTO reservations
    (id, order_id, status, lines, expires_at, release_reason, rejection, created_at, updated_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
  ON CONFLICT DO NOTHING
  RETURNING id`;

/**
 * Inserts the reservation unless its order has one; answers whether it did. A twin that committed first
 * leaves nothing inserted (and no aborted transaction); one still running makes this wait on the order's
 * key, then do nothing.
 */
export async function insertReservationOnPostgres(tx: Tx, record: ReservationRecord): Promise<boolean> {
  const rows = await preparedQuery(tx, 'inventory_insert_reservation', insertReservation, [
    record.id,
    record.orderId,
    record.status,
    record.lines,
    record.expiresAt,
    record.releaseReason,
    record.rejection,
    record.createdAt,
    record.updatedAt,
  ]);
  return rows.length === 1;
}

/** In the order of the INSERT's columns above. */
function outboxValues(row: OutboxRow): unknown[] {
  return [row.id, row.topic, row.type, row.payload, row.occurredAt, row.createdAt, row.traceparent];
}
