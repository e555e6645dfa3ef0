/**
 * The learning side of the item-to-item model: what one paid order adds. For every product of the order its
 * weight (decayed count of paid orders holding it) grows by the order's weight, and for every pair of distinct
 * products in the order, each one's candidate list holds the other with the pair's decayed co-occurrence weight.
 */

export interface LearningBounds {
  /** Candidates (co-purchased products with their weights) kept per product. */
  maxCandidates: number;
  /** Distinct products of one order the model learns from (an order of n products touches n·(n-1) pairs). */
  maxProductsPerOrder: number;
  /** Products kept per customer for their recommendations (and for never recommending what they bought). */
  maxPurchasesPerCustomer: number;
}

export const defaultLearningBounds: LearningBounds = {
  maxCandidates: 100,
  maxProductsPerOrder: 50,
  maxPurchasesPerCustomer: 500,
};

/** The distinct products of a paid order the model learns from: the first `maxProducts`, in the order's order. */
export function basketOf(items: ReadonlyArray<{ productId: string }>, maxProducts: number): string[] {
  return [...new Set(items.map((item) => item.productId))].slice(0, maxProducts);
}

/**
 * Adds `weight` to each of `partners` in a product's candidate list, then trims it to `maxCandidates`.
 * Answers the ids evicted. The eviction rule: the candidates with the smallest decayed co-occurrence weight go
 * first; on equal weights one not bought in this order goes before one that was, then the larger id. A new
 * co-purchase weighs the growth of now, at least as much as any single earlier one, so what is evicted has less
 * evidence than one co-purchase today: a list full of strong old pairs admits a new partner once decay has
 * made them weaker than it.
 */
export function addCoPurchases(
  candidates: Map<string, number>,
  partners: readonly string[],
  weight: number,
  maxCandidates: number,
): string[] {
  for (const partner of partners) candidates.set(partner, (candidates.get(partner) ?? 0) + weight);
  return trimToHeaviest(candidates, maxCandidates, new Set(partners));
}

/** Removes the lightest entries of `weights` beyond `max` (see addCoPurchases for the order); answers their ids. */
export function trimToHeaviest(weights: Map<string, number>, max: number, fresh: ReadonlySet<string>): string[] {
  if (weights.size <= max) return [];
  const lightestFirst = [...weights].sort(
    ([idA, a], [idB, b]) => a - b || Number(fresh.has(idA)) - Number(fresh.has(idB)) || (idA < idB ? 1 : -1),
  );
  const evicted = lightestFirst.slice(0, weights.size - max).map(([id]) => id);
  for (const id of evicted) weights.delete(id);
  return evicted;
}
