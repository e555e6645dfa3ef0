import Joi from 'joi';
import { eventContract } from './event-contract';
import type { Money } from './money';
import { instant, money, uuid } from './schema-parts';
import { topics } from './topics';

export type ProductStatus = 'active' | 'archived';

/**
 * The product's version in the catalog's events and lookups: 1 when created, one more with every change (update,
 * archive), so two changes of one product order exactly, even within one millisecond. Absent from events published
 * before it existed: consumers then order by the event's instant (isNewerProductChange).
 */
export type ProductVersionField = { version?: number };

/** catalog.product-created: inventory opens a stock item with `initialStock` on hand. */
export interface ProductCreated {
  productId: string;
  sku: string;
  name: string;
  price: Money;
  categoryId: string;
  status: ProductStatus;
  initialStock: number;
  createdAt: string;
  /** 1 (ProductVersionField). */
  version?: number;
}

/** catalog.product-updated: the product as it is after the change. */
export interface ProductUpdated {
  productId: string;
  sku: string;
  name: string;
  price: Money;
  categoryId: string;
  status: ProductStatus;
  updatedAt: string;
  /** The version these facts are at (ProductVersionField). */
  version?: number;
}

/** catalog.product-deleted: the product was archived (DELETE archives; orders keep their references). */
export interface ProductDeleted {
  productId: string;
  deletedAt: string;
  /** The version the archive made (ProductVersionField). */
  version?: number;
}

/** Optional in the schema: events published before versions existed still validate (consumers read tolerantly). */
const productVersion = Joi.number().integer().min(1).max(2_147_483_647);

const productFields = {
  productId: uuid.required(),
  sku: Joi.string().min(1).max(64).required(),
  name: Joi.string().min(1).max(200).required(),
  price: money.required(),
  categoryId: uuid.required(),
  status: Joi.string().valid('active', 'archived').required(),
  version: productVersion,
};

export const ProductCreated = eventContract<ProductCreated>(
  topics.productCreated,
  Joi.object<ProductCreated, true>({
    ...productFields,
    initialStock: Joi.number().integer().min(0).max(2_147_483_647).required(),
    createdAt: instant.required(),
  }),
);

export const ProductUpdated = eventContract<ProductUpdated>(
  topics.productUpdated,
  Joi.object<ProductUpdated, true>({ ...productFields, updatedAt: instant.required() }),
);

export const ProductDeleted = eventContract<ProductDeleted>(
  topics.productDeleted,
  Joi.object<ProductDeleted, true>({
    productId: uuid.required(),
    deletedAt: instant.required(),
    version: productVersion,
  }),
);

/** When a change of a product happened, as consumers order them: the catalog's version and instant. */
export interface ProductChangeStamp {
  version?: number;
  atMs: number;
}

/**
 * Whether `candidate` is a later change of the product than `stored`. By version when both carry one (exact, the
 * catalog counts every change); otherwise (an event from before versions) by the catalog's instant, which cannot
 * order two changes within one millisecond. The same change again is not later: a redelivery changes nothing.
 */
export function isNewerProductChange(candidate: ProductChangeStamp, stored: ProductChangeStamp): boolean {
  if (candidate.version !== undefined && stored.version !== undefined) return candidate.version > stored.version;
  return candidate.atMs > stored.atMs;
}
