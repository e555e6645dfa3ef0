import type { Money, ProductStatus } from '@shop/contracts';

/**
 * What learning from a paid order writes, inside the transaction of the event's inbox record. All weights are
 * growing weights (domain/decay.ts) relative to the model's base.
 */
export interface LearningStore {
  /**
   * Holds the model against every other learner (another replica's too) until the transaction ends, so that
   * read-modify-writes of candidate lists never interleave; answers the base instant (ms), undefined while the
   * model has learnt nothing.
   */
  lockModel(): Promise<number | undefined>;
  /** Divides every stored weight by `divideBy`, drops those now below `forgetBelow`, and moves the base. */
  rebase(divideBy: number, baseAtMs: number, forgetBelow: number): Promise<void>;
  addProductWeights(productIds: readonly string[], weight: number): Promise<void>;
  /** The candidate lists of the products (absent: none yet). */
  candidatesOf(productIds: readonly string[]): Promise<Map<string, Map<string, number>>>;
  /** Writes the candidates of `productId` whose weights changed, and removes the evicted ones. */
  saveCandidates(productId: string, changed: ReadonlyMap<string, number>, evicted: readonly string[]): Promise<void>;
  purchasesOf(customerId: string): Promise<Map<string, number>>;
  savePurchases(customerId: string, changed: ReadonlyMap<string, number>, evicted: readonly string[]): Promise<void>;
}

/** What the recommendations are computed from, outside any transaction. */
export interface ModelReads {
  /** Products' weights (decayed paid orders holding each); products never bought are absent. */
  productWeights(productIds: readonly string[]): Promise<Map<string, number>>;
  candidatesOf(productId: string): Promise<Map<string, number>>;
  purchasesOf(customerId: string): Promise<Map<string, number>>;
  /** The category's products that can be recommended (active, available), heaviest first, at most `limit`. */
  bestsellersOf(categoryId: string, limit: number): Promise<string[]>;
}

/** A product as the projection of the catalog's and inventory's events has it. */
export interface ProductView {
  productId: string;
  name: string;
  price: Money;
  categoryId: string;
  status: ProductStatus;
  /** Inventory's available units; undefined while unknown (no stock event or read yet). */
  available?: number;
}

/** Whether a product may be recommended: active and in stock. */
export const recommendable = (view: ProductView | undefined): view is ProductView =>
  view !== undefined && view.status === 'active' && (view.available ?? 0) > 0;

export interface Clock {
  nowMs(): number;
}
