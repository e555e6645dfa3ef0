import { isForeignKeyViolation, isUniqueViolation, keysetPage, type StoreIn, type Tx } from '@shop/kit';
import { Brackets, In, LessThan, LessThanOrEqual, MoreThanOrEqual } from 'typeorm';
import type { ProductQuery, Products, ProductWrite } from '../application/ports';
import { nameKeyOf, type Product, type ProductDraft, searchTextOf, skuKeyOf } from '../domain/product';
import { likeEscape } from '../domain/product-search';
import { ProductEntity, type ProductRecord } from './entities';

const columnOfSortKey = { name: 'nameKey', price: 'priceAmount', createdAt: 'createdAt' } as const;

// Conditions are object literals wherever a value is compared: TypeORM then types each parameter by its
// column, which SQL Server needs (a bare Date parameter would be sent as datetime, not datetime2).
/** A transaction, or a plain read: all a store needs is the manager its statements go through. */
export type Unit = Pick<Tx, 'manager'>;

export const productStore: StoreIn<Products, Unit> = {
  async find(unit, id) {
    const record = await unit.manager.findOneBy(ProductEntity, { id });
    return record ? toProduct(record) : undefined;
  },

  async findMany(unit, ids) {
    if (ids.length === 0) return [];
    return (await unit.manager.findBy(ProductEntity, { id: In(ids) })).map(toProduct);
  },

  async insert(tx, product) {
    return write(() => tx.manager.insert(ProductEntity, toRecord(product)));
  },

  async update(tx, id, draft, { updatedAt, expected }) {
    if (expected?.length === 0) return 'no-match';
    let affected: number | undefined;
    const outcome = await write(async () => {
      const update = tx.manager
        .createQueryBuilder()
        .update(ProductEntity)
        .set({ ...draftColumns(draft), updatedAt, rowVersion: () => 'row_version + 1' })
        .where({ id, status: 'active' });
      if (expected) {
        update.andWhere(
          new Brackets((versions) => {
            for (const version of expected) versions.orWhere({ ...version });
          }),
        );
      }
      affected = (await update.execute()).affected;
    });
    if (outcome !== 'done') return outcome;
    return affected === 1 ? 'done' : 'no-match';
  },

  async archive(tx, id, at) {
    const result = await tx.manager
      .createQueryBuilder()
      .update(ProductEntity)
      .set({ status: 'archived', updatedAt: at, rowVersion: () => 'row_version + 1' })
      .where({ id, status: 'active' })
      .execute();
    return result.affected === 1;
  },

  async applyStock(tx: Unit, id: string, available: number, version: number) {
    const result = await tx.manager
      .createQueryBuilder()
      .update(ProductEntity)
      .set({ stock: available, stockVersion: version })
      .where({ id, stockVersion: LessThan(version) })
      .execute();
    return result.affected === 1;
  },

  async search(unit: Unit, query: ProductQuery) {
    const select = unit.manager.createQueryBuilder(ProductEntity, 'p').where({ status: 'active' });
    if (query.pattern !== undefined) {
      select.andWhere(`p.searchText LIKE :pattern ESCAPE '${likeEscape}'`, { pattern: query.pattern });
    }
    if (query.categoryIds) select.andWhere({ categoryId: In(query.categoryIds) });
    if (query.minPrice !== undefined) select.andWhere({ priceAmount: MoreThanOrEqual(query.minPrice) });
    if (query.maxPrice !== undefined) select.andWhere({ priceAmount: LessThanOrEqual(query.maxPrice) });
    const page = await keysetPage(select, {
      key: columnOfSortKey[query.order],
      direction: query.direction,
      limit: query.limit,
      after: query.after,
    });
    return { items: page.items.map(toProduct), last: page.last && toProduct(page.last) };
  },

  async countInCategory(unit, categoryId) {
    return unit.manager.countBy(ProductEntity, { categoryId });
  },
};

async function write(statement: () => Promise<unknown>): Promise<ProductWrite> {
  try {
    await statement();
    return 'done';
  } catch (error) {
    // Only sku_key is unique besides the primary key, which is a fresh UUID.
    if (isUniqueViolation(error)) return 'duplicate-sku';
    if (isForeignKeyViolation(error)) return 'unknown-category';
    throw error;
  }
}

function draftColumns(draft: ProductDraft) {
  return {
    sku: draft.sku,
    skuKey: skuKeyOf(draft.sku),
    name: draft.name,
    nameKey: nameKeyOf(draft.name),
    description: draft.description,
    searchText: searchTextOf(draft),
    priceAmount: draft.price.amount,
    priceCurrency: draft.price.currency,
    categoryId: draft.categoryId,
  };
}

function toRecord(product: Product): ProductRecord {
  return {
    id: product.id,
    ...draftColumns(product),
    status: product.status,
    stock: product.stock,
    stockVersion: product.stockVersion,
    rowVersion: product.rowVersion,
    createdAt: product.createdAt,
    updatedAt: product.updatedAt,
  };
}

function toProduct(record: ProductRecord): Product {
  return {
    id: record.id,
    sku: record.sku,
    name: record.name,
    description: record.description,
    price: { amount: Number(record.priceAmount), currency: record.priceCurrency },
    categoryId: record.categoryId,
    status: record.status,
    stock: Number(record.stock),
    stockVersion: Number(record.stockVersion),
    rowVersion: Number(record.rowVersion),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}
