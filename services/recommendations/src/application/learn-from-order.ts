import type { PaidLine } from '@shop/contracts';
import type { HandlerContext } from '@shop/kit';
import { addCoPurchases, basketOf, type LearningBounds, trimToHeaviest } from '../domain/co-occurrence';
import { forgottenBelow, weightOfEvent } from '../domain/decay';
import type { LearningStore } from './ports';

export interface ModelSettings extends LearningBounds {
  halfLifeMs: number;
}

export interface PaidOrder {
  customerId: string;
  items: readonly PaidLine[];
  at: Date;
}

/**
 * What one paid order teaches the model, incrementally: the order's weight (by its instant, rebasing first
 * when the growth got too large), added to each product's weight, to the co-occurrence of each pair of its
 * products (candidate lists trimmed to their bound), and to the customer's purchases. Answers the products
 * whose neighbours changed.
 */
export async function learnFromPaidOrder(
  _ctx: HandlerContext,
  order: PaidOrder,
  { store, settings }: { store: LearningStore; settings: ModelSettings },
): Promise<string[]> {
  const basket = basketOf(order.items, settings.maxProductsPerOrder);
  if (basket.length === 0) return [];
  const baseAtMs = await store.lockModel();
  const { weight, rebase } = weightOfEvent(order.at.getTime(), baseAtMs, settings.halfLifeMs);
  if (rebase) await store.rebase(rebase.divideBy, rebase.baseAtMs, forgottenBelow * weight);
  await store.addProductWeights(basket, weight);

  if (basket.length > 1) {
    const lists = await store.candidatesOf(basket);
    for (const productId of basket) {
      const candidates = lists.get(productId) ?? new Map<string, number>();
      const partners = basket.filter((other) => other !== productId);
      const evicted = addCoPurchases(candidates, partners, weight, settings.maxCandidates);
      const changed = new Map(partners.flatMap((id) => (candidates.has(id) ? [[id, candidates.get(id) ?? 0]] : [])));
      await store.saveCandidates(productId, changed, evicted);
    }
  }

  const purchases = await store.purchasesOf(order.customerId);
  for (const productId of basket) purchases.set(productId, (purchases.get(productId) ?? 0) + weight);
  const evicted = trimToHeaviest(purchases, settings.maxPurchasesPerCustomer, new Set(basket));
  const changed = new Map(basket.flatMap((id) => (purchases.has(id) ? [[id, purchases.get(id) ?? 0]] : [])));
  await store.savePurchases(order.customerId, changed, evicted);
  return basket;
}
