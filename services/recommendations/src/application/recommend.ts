import type { Money } from '@shop/contracts';
import type { HandlerContext } from '@shop/kit';
import { customerScores, recommendationList, type Scored } from '../domain/ranking';
import type { ProductView } from './ports';

/**
 * What the answers are built from. Every list holds only products that may be recommended (active, available)
 * and comes with their views; the implementation answers from memory (application/cached-reads.ts).
 */
export interface RecommendationReads {
  /** The product as projected (filled from its owners when unknown); undefined when the catalog does not know it. */
  product(productId: string): Promise<ProductView | undefined>;
  /** The product's neighbours, best first. */
  neighbours(productId: string): Promise<Array<Scored & { view: ProductView }>>;
  /** The category's bestsellers, best first. */
  bestsellers(categoryId: string): Promise<ProductView[]>;
  /** What the customer bought with its decayed weight: read fresh, so a purchase is never recommended back. */
  purchasesOf(customerId: string): Promise<Map<string, number>>;
}

export interface Recommendation {
  productId: string;
  name: string;
  price: Money;
  score: number;
}

export type ProductRecommendations = { ok: true; items: Recommendation[] } | { ok: false; reason: 'unknown-product' };

/** Recommendations use at most this many of a customer's purchases, the heaviest (most, most recently bought). */
export const purchasesConsidered = 20;

/** Products bought together with `productId`, most similar first, topped up with its category's bestsellers. */
export async function recommendForProduct(
  _ctx: HandlerContext,
  { productId, limit }: { productId: string; limit: number },
  reads: RecommendationReads,
): Promise<ProductRecommendations> {
  const product = await reads.product(productId);
  if (!product) return { ok: false, reason: 'unknown-product' };
  const [neighbours, bestsellers] = await Promise.all([
    reads.neighbours(productId),
    reads.bestsellers(product.categoryId),
  ]);
  const views = viewsOf(neighbours, bestsellers);
  const list = recommendationList(
    neighbours,
    bestsellers.map((view) => view.productId),
    { excluded: new Set([productId]), eligible: (id) => views.has(id), limit },
  );
  return { ok: true, items: answerOf(list, views) };
}

/**
 * For a customer: the neighbours of what they bought, weighted by how much (and how recently) they bought it,
 * topped up with the bestsellers of those products' categories; never a product they bought.
 */
export async function recommendForCustomer(
  _ctx: HandlerContext,
  { customerId, limit }: { customerId: string; limit: number },
  reads: RecommendationReads,
): Promise<Recommendation[]> {
  const purchases = await reads.purchasesOf(customerId);
  const considered = new Map([...purchases].sort(([, a], [, b]) => b - a).slice(0, purchasesConsidered));
  const bought = [...considered.keys()];
  const [neighbourLists, products] = await Promise.all([
    Promise.all(bought.map((id) => reads.neighbours(id))),
    Promise.all(bought.map((id) => reads.product(id))),
  ]);
  const categories = [...new Set(products.flatMap((view) => (view ? [view.categoryId] : [])))];
  const bestsellerLists = await Promise.all(categories.map((id) => reads.bestsellers(id)));
  const neighboursById = new Map(bought.map((id, index) => [id, neighbourLists[index] ?? []]));
  const scored = customerScores(considered, (id) => neighboursById.get(id) ?? []);
  const views = viewsOf(neighbourLists.flat(), bestsellerLists.flat());
  const list = recommendationList(
    scored,
    bestsellerLists.flat().map((view) => view.productId),
    { excluded: new Set(purchases.keys()), eligible: (id) => views.has(id), limit },
  );
  return answerOf(list, views);
}

function viewsOf(neighbours: Array<{ view: ProductView }>, bestsellers: ProductView[]): Map<string, ProductView> {
  const views = new Map<string, ProductView>();
  for (const { view } of neighbours) views.set(view.productId, view);
  for (const view of bestsellers) views.set(view.productId, view);
  return views;
}

function answerOf(list: Scored[], views: Map<string, ProductView>): Recommendation[] {
  return list.flatMap(({ productId, score }) => {
    const view = views.get(productId);
    return view ? [{ productId, name: view.name, price: view.price, score: roundScore(score) }] : [];
  });
}

/** Six decimals: the ranking's precision, without a double's noise in the answer. */
const roundScore = (score: number) => Math.round(score * 1e6) / 1e6;
