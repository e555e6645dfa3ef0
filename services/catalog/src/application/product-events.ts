import { randomUUID } from 'node:crypto';
import {
  type EventEnvelope,
  type ProductCreated,
  type ProductDeleted,
  type ProductUpdated,
  topics,
} from '@shop/contracts';
import type { Product } from '../domain/product';

function envelope<T>(type: string, data: T, at: Date): EventEnvelope<T> {
  return { id: randomUUID(), type, occurredAt: at.toISOString(), data };
}

export function productCreated(product: Product, initialStock: number): EventEnvelope<ProductCreated> {
  return envelope(
    topics.productCreated,
    {
      productId: product.id,
      sku: product.sku,
      name: product.name,
      price: product.price,
      categoryId: product.categoryId,
      status: product.status,
      initialStock,
      createdAt: product.createdAt.toISOString(),
    },
    product.createdAt,
  );
}

export function productUpdated(product: Product): EventEnvelope<ProductUpdated> {
  return envelope(
    topics.productUpdated,
    {
      productId: product.id,
      sku: product.sku,
      name: product.name,
      price: product.price,
      categoryId: product.categoryId,
      status: product.status,
      updatedAt: product.updatedAt.toISOString(),
    },
    product.updatedAt,
  );
}

export function productDeleted(productId: string, at: Date): EventEnvelope<ProductDeleted> {
  return envelope(topics.productDeleted, { productId, deletedAt: at.toISOString() }, at);
}
