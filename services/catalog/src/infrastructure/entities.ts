import type { ProductStatus } from '@shop/contracts';
import { EntitySchema } from 'typeorm';

/** A row of `products`: the domain Product flattened, plus the lowercase columns searches and sorts use. */
export interface ProductRecord {
  id: string;
  sku: string;
  skuKey: string;
  name: string;
  nameKey: string;
  description: string;
  searchText: string;
  priceAmount: number;
  priceCurrency: string;
  categoryId: string;
  status: ProductStatus;
  stock: number;
  stockVersion: number;
  rowVersion: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface CategoryRecord {
  id: string;
  name: string;
  parentId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

// JavaScript column types so that each driver maps them to its own; the DDL is in migrations.ts.
export const ProductEntity = new EntitySchema<ProductRecord>({
  name: 'CatalogProduct',
  tableName: 'products',
  columns: {
    id: { name: 'id', type: String, primary: true },
    sku: { name: 'sku', type: String },
    skuKey: { name: 'sku_key', type: String },
    name: { name: 'name', type: String },
    nameKey: { name: 'name_key', type: String },
    description: { name: 'description', type: String },
    searchText: { name: 'search_text', type: String },
    priceAmount: { name: 'price_amount', type: Number },
    priceCurrency: { name: 'price_currency', type: String },
    categoryId: { name: 'category_id', type: String },
    status: { name: 'status', type: String },
    stock: { name: 'stock', type: Number },
    stockVersion: { name: 'stock_version', type: Number },
    rowVersion: { name: 'row_version', type: Number },
    createdAt: { name: 'created_at', type: Date },
    updatedAt: { name: 'updated_at', type: Date },
  },
});

export const CategoryEntity = new EntitySchema<CategoryRecord>({
  name: 'CatalogCategory',
  tableName: 'categories',
  columns: {
    id: { name: 'id', type: String, primary: true },
    name: { name: 'name', type: String },
    parentId: { name: 'parent_id', type: String, nullable: true },
    createdAt: { name: 'created_at', type: Date },
    updatedAt: { name: 'updated_at', type: Date },
  },
});

export const catalogEntities = [CategoryEntity, ProductEntity];
