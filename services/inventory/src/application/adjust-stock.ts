import { randomUUID } from 'node:crypto';
import type { HandlerContext } from '@shop/kit';
import { levelsOf, maxOnHand, type StockLevels } from '../domain/stock-levels';
import { announceLevels } from './announce-levels';
import type { InTransaction } from './inventory-deps';

export interface AdjustStock {
  productId: string;
  /** Units found (positive) or lost, damaged, written off (negative). Never zero. */
  delta: number;
  reason: string;
  /** Who asked, for the audit trail. */
  actorId: string | null;
}

export type AdjustResult =
  | { ok: true; levels: StockLevels }
  | { ok: false; reason: 'not-found' }
  /** onHand would drop below what is promised to orders (CONTRACT.md: 409). */
  | { ok: false; reason: 'below-reserved'; levels: StockLevels }
  | { ok: false; reason: 'above-maximum'; levels: StockLevels; maximum: number };

/** Corrects a product's on-hand count in one conditional UPDATE, and records who did it and why. */
export async function adjustStock(
  _ctx: HandlerContext,
  input: AdjustStock,
  deps: InTransaction,
): Promise<AdjustResult> {
  const { tx } = deps;
  const now = deps.clock();
  if (await tx.stock.adjustOnHand(input.productId, input.delta, now)) {
    const levels = await announceLevels(tx, deps, input.productId, input.delta, now);
    await tx.stock.recordAdjustment({
      id: randomUUID(),
      productId: input.productId,
      delta: input.delta,
      reason: input.reason,
      actorId: input.actorId,
      onHandAfter: levels.onHand,
      at: now,
    });
    return { ok: true, levels };
  }
  // Read only to say why the UPDATE refused.
  const item = await tx.stock.findItem(input.productId);
  if (!item) return { ok: false, reason: 'not-found' };
  const levels = levelsOf(item);
  if (item.onHand + input.delta < item.reserved) return { ok: false, reason: 'below-reserved', levels };
  return { ok: false, reason: 'above-maximum', levels, maximum: maxOnHand };
}
