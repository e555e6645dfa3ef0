import { heaviestFirst } from '../domain/ranking';
import type { LearningStore, ModelReads } from './ports';

/**
 * The model held in memory, behind the same ports the database store serves: the offline evaluation (bench)
 * and the model's unit tests run the service's own learning and ranking on it. `categoryOf` and `eligible`
 * stand in for the product projection.
 */
export class MemoryModel implements LearningStore, ModelReads {
  private baseAtMs: number | undefined;
  readonly productWeightsById = new Map<string, number>();
  readonly candidateLists = new Map<string, Map<string, number>>();
  readonly purchasesByCustomer = new Map<string, Map<string, number>>();

  constructor(
    private readonly catalog: {
      categoryOf: (productId: string) => string | undefined;
      eligible: (productId: string) => boolean;
    } = { categoryOf: () => undefined, eligible: () => true },
  ) {}

  async lockModel() {
    return this.baseAtMs;
  }

  async rebase(divideBy: number, baseAtMs: number, forgetBelow: number) {
    const divide = (weights: Map<string, number>) => {
      for (const [id, weight] of weights) {
        const next = weight / divideBy;
        if (next < forgetBelow) weights.delete(id);
        else weights.set(id, next);
      }
    };
    divide(this.productWeightsById);
    for (const list of this.candidateLists.values()) divide(list);
    for (const purchases of this.purchasesByCustomer.values()) divide(purchases);
    this.baseAtMs = baseAtMs;
  }

  async addProductWeights(productIds: readonly string[], weight: number) {
    for (const id of productIds) this.productWeightsById.set(id, (this.productWeightsById.get(id) ?? 0) + weight);
  }

  async candidatesOf(productIds: readonly string[]): Promise<Map<string, Map<string, number>>>;
  async candidatesOf(productId: string): Promise<Map<string, number>>;
  async candidatesOf(ids: string | readonly string[]) {
    if (typeof ids === 'string') return new Map(this.candidateLists.get(ids) ?? []);
    return new Map(ids.flatMap((id) => this.candidateEntry(id)));
  }

  async saveCandidates(productId: string, changed: ReadonlyMap<string, number>, evicted: readonly string[]) {
    const list = this.candidateLists.get(productId) ?? new Map<string, number>();
    for (const id of evicted) list.delete(id);
    for (const [id, weight] of changed) list.set(id, weight);
    this.candidateLists.set(productId, list);
  }

  async purchasesOf(customerId: string) {
    return new Map(this.purchasesByCustomer.get(customerId) ?? []);
  }

  async savePurchases(customerId: string, changed: ReadonlyMap<string, number>, evicted: readonly string[]) {
    const purchases = this.purchasesByCustomer.get(customerId) ?? new Map<string, number>();
    for (const id of evicted) purchases.delete(id);
    for (const [id, weight] of changed) purchases.set(id, weight);
    this.purchasesByCustomer.set(customerId, purchases);
  }

  async productWeights(productIds: readonly string[]) {
    return new Map(
      productIds.flatMap((id) => {
        const weight = this.productWeightsById.get(id);
        return weight === undefined ? [] : [[id, weight] as const];
      }),
    );
  }

  async bestsellersOf(categoryId: string, limit: number) {
    const inCategory = [...this.productWeightsById].filter(
      ([id]) => this.catalog.categoryOf(id) === categoryId && this.catalog.eligible(id),
    );
    return heaviestFirst(inCategory).slice(0, limit);
  }

  private candidateEntry(productId: string): Array<[string, Map<string, number>]> {
    const list = this.candidateLists.get(productId);
    return list ? [[productId, new Map(list)]] : [];
  }
}
