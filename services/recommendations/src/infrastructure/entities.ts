import { EntitySchema } from 'typeorm';

export interface ModelRow {
  id: number;
  baseAtMs: number | null;
  version: number;
}

export interface WeightRow {
  productId: string;
  weight: number;
}

export interface CandidateRow {
  productId: string;
  neighbourId: string;
  weight: number;
}

export interface PurchaseRow {
  customerId: string;
  productId: string;
  weight: number;
}

export interface ProductRow {
  productId: string;
  name: string | null;
  priceAmount: number | null;
  priceCurrency: string | null;
  categoryId: string | null;
  factsAt: Date | null;
  /** The catalog's version of the facts; null for facts from events older than versions. */
  factsVersion: number | null;
  archived: boolean;
  available: number | null;
  stockVersion: number | null;
}

/** The model's one row: the base of its growing weights, and the row every learner locks first. */
export const ModelEntity = new EntitySchema<ModelRow>({
  name: 'RecommendationModel',
  tableName: 'rec_model',
  columns: {
    id: { type: Number, primary: true },
    baseAtMs: { name: 'base_at_ms', type: Number, nullable: true },
    version: { type: Number },
  },
});

export const ProductWeightEntity = new EntitySchema<WeightRow>({
  name: 'RecommendationProductWeight',
  tableName: 'rec_product_weights',
  columns: {
    productId: { name: 'product_id', type: String, primary: true },
    weight: { type: Number },
  },
});

export const CandidateEntity = new EntitySchema<CandidateRow>({
  name: 'RecommendationCandidate',
  tableName: 'rec_candidates',
  columns: {
    productId: { name: 'product_id', type: String, primary: true },
    neighbourId: { name: 'neighbour_id', type: String, primary: true },
    weight: { type: Number },
  },
});

export const PurchaseEntity = new EntitySchema<PurchaseRow>({
  name: 'RecommendationPurchase',
  tableName: 'rec_purchases',
  columns: {
    customerId: { name: 'customer_id', type: String, primary: true },
    productId: { name: 'product_id', type: String, primary: true },
    weight: { type: Number },
  },
});

export const ProductEntity = new EntitySchema<ProductRow>({
  name: 'RecommendationProduct',
  tableName: 'rec_products',
  columns: {
    productId: { name: 'product_id', type: String, primary: true },
    name: { type: String, nullable: true },
    priceAmount: { name: 'price_amount', type: Number, nullable: true },
    priceCurrency: { name: 'price_currency', type: String, nullable: true },
    categoryId: { name: 'category_id', type: String, nullable: true },
    factsAt: { name: 'facts_at', type: Date, nullable: true },
    factsVersion: { name: 'facts_version', type: Number, nullable: true },
    archived: { type: Boolean },
    available: { type: Number, nullable: true },
    stockVersion: { name: 'stock_version', type: Number, nullable: true },
  },
});

export const recommendationEntities = [
  ModelEntity,
  ProductWeightEntity,
  CandidateEntity,
  PurchaseEntity,
  ProductEntity,
];
