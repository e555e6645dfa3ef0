import type { Tx } from '@shop/kit';
import type { StockItem } from '../domain/stock-levels';

/**
 * Stock rows as this transaction's own counter UPDATEs returned them, so that announcing the levels needs no
 * second read while the row's lock is held. Only rows this transaction wrote are kept: it holds their locks
 * until it ends, so nobody else can have changed them since.
 */
const writtenRows = new WeakMap<Tx, Map<string, StockItem>>();

/** A stock_items row as a driver returns it (RETURNING, OUTPUT INSERTED): bigints and dates may be strings. */
interface ReturnedStockRow {
  product_id: string;
  on_hand: number | string;
  reserved: number | string;
  version: number | string;
  discontinued_at: Date | string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

export function rememberWrittenRow(tx: Tx, row: unknown): StockItem {
  const item = itemOfRow(row as ReturnedStockRow);
  let rows = writtenRows.get(tx);
  if (!rows) {
    rows = new Map();
    writtenRows.set(tx, rows);
  }
  rows.set(item.productId, item);
  return item;
}

export function writtenRowOf(tx: Tx, productId: string): StockItem | undefined {
  return writtenRows.get(tx)?.get(productId);
}

/** After a rollback to a savepoint: the rolled-back UPDATEs' rows are not the rows any more. */
export function forgetWrittenRows(tx: Tx): void {
  writtenRows.delete(tx);
}

function itemOfRow(row: ReturnedStockRow): StockItem {
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
