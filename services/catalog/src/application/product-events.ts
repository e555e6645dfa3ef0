import { newEvent, type OutgoingEvent, ProductCreated, ProductDeleted, ProductUpdated } from '@shop/contracts';
import type { Product } from '../domain/product';

export function productCreated(product: Product, initialStock: number): OutgoingEvent<ProductCreated> {
  return newEvent(
    ProductCreated,
    {
      productId: product.id,
      sku: product.sku,
      name: product.name,
      price: product.price,
      categoryId: product.categoryId,
      status: product.status,
      initialStock,
      createdAt: product.createdAt.toISOString(),
      version: product.rowVersion,
    },
    product.createdAt,
  );
}

export function productUpdated(product: Product): OutgoingEvent<ProductUpdated> {
  return newEvent(
    ProductUpdated,
    {
      productId: product.id,
      sku: product.sku,
      name: product.name,
      price: product.price,
      categoryId: product.categoryId,
      status: product.status,
      updatedAt: product.updatedAt.toISOString(),
      version: product.rowVersion,
    },
    product.updatedAt,
  );
}

/** `product` as the archive left it: its version is the archive's. */
export function productDeleted(product: Product, at: Date): OutgoingEvent<ProductDeleted> {
  return newEvent(
    ProductDeleted,
    { productId: product.id, deletedAt: at.toISOString(), version: product.rowVersion },
    at,
  );
}
