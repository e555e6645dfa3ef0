/** The reading side of the model: scores from the learned weights. Pure functions. */

export interface Scored {
  productId: string;
  score: number;
}

const byScoreThenId = (a: Scored, b: Scored) => b.score - a.score || (a.productId < b.productId ? -1 : 1);

/**
 * A product's neighbours by cosine similarity of their order vectors: co-occurrence weight over the square
 * root of the product of the two products' own weights. Normalising by both popularities is what keeps a
 * bestseller, bought with everything, from topping every list: it shares many orders with a product but is in
 * so many more that its similarity stays low. Candidates of unknown weight are skipped; the highest first.
 */
export function cosineNeighbours(
  productWeight: number,
  candidates: ReadonlyMap<string, number>,
  weightOf: (productId: string) => number | undefined,
): Scored[] {
  if (!(productWeight > 0)) return [];
  const scored: Scored[] = [];
  for (const [productId, together] of candidates) {
    const weight = weightOf(productId);
    if (!weight || !(together > 0)) continue;
    // Rounding (and an eviction that reset one side of a pair) can lift the ratio a hair above 1.
    scored.push({ productId, score: Math.min(1, together / Math.sqrt(productWeight * weight)) });
  }
  return scored.sort(byScoreThenId);
}

/**
 * What a customer is recommended from what they bought: each bought product's neighbours, their similarities
 * summed with the bought product's share of the customer's (decayed) purchases, so what they bought recently
 * counts more. Never a product they bought.
 */
export function customerScores(
  purchases: ReadonlyMap<string, number>,
  neighboursOf: (productId: string) => readonly Scored[],
): Scored[] {
  let total = 0;
  for (const weight of purchases.values()) total += weight;
  if (!(total > 0)) return [];
  const sums = new Map<string, number>();
  for (const [bought, weight] of purchases) {
    const share = weight / total;
    for (const { productId, score } of neighboursOf(bought)) {
      if (purchases.has(productId)) continue;
      sums.set(productId, (sums.get(productId) ?? 0) + share * score);
    }
  }
  return [...sums].map(([productId, score]) => ({ productId, score })).sort(byScoreThenId);
}

/**
 * The answer's list: the scored products first, then `topUps` (bestsellers, already ranked) with score 0, each
 * product once, none of `excluded`, none `eligible` refuses, at most `limit`.
 */
export function recommendationList(
  scored: readonly Scored[],
  topUps: readonly string[],
  options: { excluded: ReadonlySet<string>; eligible: (productId: string) => boolean; limit: number },
): Scored[] {
  const list: Scored[] = [];
  const listed = new Set<string>();
  const offer = (candidate: Scored) => {
    if (list.length >= options.limit || listed.has(candidate.productId)) return;
    if (options.excluded.has(candidate.productId) || !options.eligible(candidate.productId)) return;
    listed.add(candidate.productId);
    list.push(candidate);
  };
  for (const candidate of scored) offer(candidate);
  for (const productId of topUps) offer({ productId, score: 0 });
  return list;
}

/** Products ranked by weight, heaviest first (a category's bestsellers by decayed paid orders). */
export function heaviestFirst(weights: Iterable<readonly [string, number]>): string[] {
  return [...weights]
    .filter(([, weight]) => weight > 0)
    .sort(([idA, a], [idB, b]) => b - a || (idA < idB ? -1 : 1))
    .map(([productId]) => productId);
}
