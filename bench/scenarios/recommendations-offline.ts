// Offline evaluation of the recommendations model: a generated order log with planted structure (bundles bought
// together, a seasonal change of the bundles, popular items bought with anything), split by time; the service's own
// learning and ranking (MemoryModel behind the same ports as its database) against a popularity and a random
// baseline on the same held-out orders, by hit rate@5 and NDCG@5.
import { createLogger } from '@shop/kit';
import {
  learnFromPaidOrder,
  type ModelSettings,
} from '../../services/recommendations/src/application/learn-from-order';
import { MemoryModel } from '../../services/recommendations/src/application/memory-model';
import { rankedNeighbours } from '../../services/recommendations/src/application/neighbours';
import { defaultLearningBounds } from '../../services/recommendations/src/domain/co-occurrence';
import { recommendationList } from '../../services/recommendations/src/domain/ranking';

const dayMs = 86_400_000;
const context = { log: createLogger({ name: 'recommendations-offline', level: 'fatal' }) };

export interface LogOptions {
  seed: number;
  products: number;
  categories: number;
  orders: number;
  days: number;
  /** Bundles of 2–3 products; from `seasonShiftDay` on, `seasonalShare` of them pair their anchor with new partners. */
  bundles: number;
  seasonShiftDay: number;
  seasonalShare: number;
  /** Share of orders that hold a bundle (the rest are popular items bought alone or together). */
  bundleShare: number;
}

export const defaultLogOptions: LogOptions = {
  seed: 19,
  products: 400,
  categories: 12,
  orders: 30_000,
  days: 120,
  bundles: 60,
  seasonShiftDay: 70,
  seasonalShare: 0.5,
  bundleShare: 0.55,
};

export interface LoggedOrder {
  customerId: string;
  productIds: string[];
  at: Date;
}

export interface OrderLog {
  orders: LoggedOrder[];
  categoryOf: Map<string, string>;
  productIds: string[];
}

/** A small deterministic generator (mulberry32), so every run evaluates the same log. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Picks an index by Zipf weights 1/(rank+1): a few items are bought far more than the rest. */
function zipfPicker(count: number, next: () => number): () => number {
  const cumulative: number[] = [];
  let sum = 0;
  for (let rank = 0; rank < count; rank++) {
    sum += 1 / (rank + 1);
    cumulative.push(sum);
  }
  return () => {
    const target = next() * sum;
    let low = 0;
    let high = count - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((cumulative[middle] ?? 0) < target) low = middle + 1;
      else high = middle;
    }
    return low;
  };
}

export function generateOrderLog(options: LogOptions = defaultLogOptions): OrderLog {
  const next = random(options.seed);
  const productIds = Array.from({ length: options.products }, (_, index) => `p${index}`);
  const categoryOf = new Map(productIds.map((id, index) => [id, `c${index % options.categories}`]));
  const pick = (): string => productIds[Math.floor(next() * productIds.length)] as string;
  const popular = zipfPicker(productIds.length, next);
  const bundleOf = () => {
    const size = next() < 0.7 ? 2 : 3;
    const members = new Set<string>();
    while (members.size < size) members.add(pick());
    return [...members];
  };
  const firstSeason = Array.from({ length: options.bundles }, bundleOf);
  // The second season keeps each anchor (the first product) but, for the seasonal share, with new partners.
  const secondSeason = firstSeason.map((bundle) =>
    next() < options.seasonalShare
      ? [
          bundle[0] as string,
          ...bundleOf()
            .filter((id) => id !== bundle[0])
            .slice(0, 2),
        ]
      : bundle,
  );
  const bundlePick = zipfPicker(options.bundles, next);
  const orders: LoggedOrder[] = [];
  for (let index = 0; index < options.orders; index++) {
    const day = (index / options.orders) * options.days;
    const bundles = day < options.seasonShiftDay ? firstSeason : secondSeason;
    const products = new Set<string>();
    if (next() < options.bundleShare) {
      for (const id of bundles[bundlePick()] ?? []) products.add(id);
      if (next() < 0.5) products.add(productIds[popular()] as string);
    } else {
      const count = 1 + Math.floor(next() * 3);
      while (products.size < count) products.add(productIds[popular()] as string);
    }
    orders.push({
      customerId: `customer-${Math.floor((next() * options.orders) / 4)}`,
      // Shuffled, so that which product of an order is the query is left to chance.
      productIds: [...products].sort(() => next() - 0.5),
      at: new Date(Date.UTC(2026, 0, 1) + day * dayMs),
    });
  }
  return { orders, categoryOf, productIds };
}

export interface Quality {
  name: string;
  hitRate: number;
  ndcg: number;
  queries: number;
}

/** Hit rate@k and NDCG@k of one answer for the order's other products (binary relevance). */
function scoreOf(listed: string[], relevant: Set<string>, k: number): { hit: number; ndcg: number } {
  let dcg = 0;
  listed.slice(0, k).forEach((id, rank) => {
    if (relevant.has(id)) dcg += 1 / Math.log2(rank + 2);
  });
  let ideal = 0;
  for (let rank = 0; rank < Math.min(k, relevant.size); rank++) ideal += 1 / Math.log2(rank + 2);
  return { hit: dcg > 0 ? 1 : 0, ndcg: ideal > 0 ? dcg / ideal : 0 };
}

type Recommender = (query: string) => Promise<string[]>;

/**
 * Trains on the orders before `trainShare` of the log's time span and asks, for each later order of two or more
 * products, for the top `k` given one of its products; the others are what should be recommended.
 */
export async function evaluateOffline(
  log: OrderLog,
  options: { trainShare: number; k: number; halfLifeDays: number; seed: number },
): Promise<Quality[]> {
  const split = Math.floor(log.orders.length * options.trainShare);
  const train = log.orders.slice(0, split);
  const test = log.orders.filter((order, index) => index >= split && order.productIds.length >= 2);

  const modelOf = async (halfLifeDays: number) => {
    const model = new MemoryModel({ categoryOf: (id) => log.categoryOf.get(id), eligible: () => true });
    const settings: ModelSettings = { ...defaultLearningBounds, halfLifeMs: halfLifeDays * dayMs };
    for (const order of train) {
      const items = order.productIds.map((productId) => ({ productId, quantity: 1 }));
      await learnFromPaidOrder(
        context,
        { customerId: order.customerId, items, at: order.at },
        { store: model, settings },
      );
    }
    // What the product route answers: the neighbours, then the category's bestsellers.
    const recommend: Recommender = async (query) => {
      const neighbours = await rankedNeighbours(query, model);
      const bestsellers = await model.bestsellersOf(log.categoryOf.get(query) ?? '', options.k * 2);
      const list = recommendationList(neighbours, bestsellers, {
        excluded: new Set([query]),
        eligible: () => true,
        limit: options.k,
      });
      return list.map((item) => item.productId);
    };
    return recommend;
  };

  const counts = new Map<string, number>();
  for (const order of train) for (const id of order.productIds) counts.set(id, (counts.get(id) ?? 0) + 1);
  const byPopularity = [...counts].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1)).map(([id]) => id);
  const popularity: Recommender = async (query) => byPopularity.filter((id) => id !== query).slice(0, options.k);
  const next = random(options.seed);
  const randomly: Recommender = async (query) => {
    const listed = new Set<string>();
    while (listed.size < options.k) {
      const id = log.productIds[Math.floor(next() * log.productIds.length)] as string;
      if (id !== query) listed.add(id);
    }
    return [...listed];
  };

  const recommenders: Array<[string, Recommender]> = [
    [`item-to-item model (cosine, half-life ${options.halfLifeDays} days)`, await modelOf(options.halfLifeDays)],
    ['item-to-item model without decay (half-life 100000 days)', await modelOf(100_000)],
    ['popularity (most bought in the training orders)', popularity],
    ['random', randomly],
  ];
  const results: Quality[] = [];
  for (const [name, recommend] of recommenders) {
    let hits = 0;
    let ndcg = 0;
    for (const order of test) {
      const [query, ...others] = order.productIds as [string, ...string[]];
      const score = scoreOf(await recommend(query), new Set(others), options.k);
      hits += score.hit;
      ndcg += score.ndcg;
    }
    results.push({ name, hitRate: hits / test.length, ndcg: ndcg / test.length, queries: test.length });
  }
  return results;
}

export async function recommendationsOffline(): Promise<Quality[]> {
  return evaluateOffline(generateOrderLog(), { trainShare: 0.8, k: 5, halfLifeDays: 14, seed: 7 });
}

export function printQuality(title: string, results: Quality[]): void {
  const [, , popularity] = results;
  console.log(`\n## ${title}\n`);
  console.log('| recommender | hit rate@5 | NDCG@5 | held-out queries | NDCG@5 ratio to popularity |');
  console.log('|---|---|---|---|---|');
  for (const r of results) {
    const ratio = popularity && popularity.ndcg > 0 ? (r.ndcg / popularity.ndcg).toFixed(2) : '-';
    console.log(`| ${r.name} | ${r.hitRate.toFixed(3)} | ${r.ndcg.toFixed(3)} | ${r.queries} | ${ratio} |`);
  }
}
