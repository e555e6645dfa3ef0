import Joi from 'joi';
import { eventContract } from './event-contract';
import type { Money } from './money';
import { instant, money, uuid } from './schema-parts';
import { topics } from './topics';

export type ProductStatus = 'active' | 'archived';

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
}

/** catalog.product-deleted: the product was archived (DELETE archives; orders keep their references). */
export interface ProductDeleted {
  productId: string;
  deletedAt: string;
}

const productFields = {
  productId: uuid.required(),
  sku: Joi.string().min(1).max(64).required(),
  name: Joi.string().min(1).max(200).required(),
  price: money.required(),
  categoryId: uuid.required(),
  status: Joi.string().valid('active', 'archived').required(),
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
  Joi.object<ProductDeleted, true>({ productId: uuid.required(), deletedAt: instant.required() }),
);
