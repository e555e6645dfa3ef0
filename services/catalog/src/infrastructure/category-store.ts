import { dialectOf, isForeignKeyViolation, type StoreIn } from '@shop/kit';
import type { Categories } from '../application/ports';
import type { Category } from '../domain/category-tree';
import { CategoryEntity, type CategoryRecord } from './entities';
import type { Unit } from './product-store';

export const categoryStore: StoreIn<Categories, Unit> = {
  async all(unit, options = {}) {
    const select = unit.manager
      .createQueryBuilder(CategoryEntity, 'c')
      .select(['c.id', 'c.name', 'c.parentId'])
      // A fixed order makes concurrent lockers take their row locks in the same order: no deadlock.
      .orderBy('c.id', 'ASC');
    // SQLite has no row locks; the kit runs its transactions one at a time there, which serializes moves too.
    if (options.forUpdate && dialectOf(unit.manager.connection) !== 'sqlite') select.setLock('pessimistic_write');
    return (await select.getMany()).map(toCategory);
  },

  async find(unit, id) {
    const record = await unit.manager.findOneBy(CategoryEntity, { id });
    return record ? toCategory(record) : undefined;
  },

  async insert(tx, category, at) {
    try {
      await tx.manager.insert(CategoryEntity, { ...category, createdAt: at, updatedAt: at });
      return 'done';
    } catch (error) {
      if (isForeignKeyViolation(error)) return 'unknown-parent';
      throw error;
    }
  },

  async update(tx, category, at) {
    await tx.manager.update(
      CategoryEntity,
      { id: category.id },
      { name: category.name, parentId: category.parentId, updatedAt: at },
    );
  },

  async hasChildren(unit, id) {
    return unit.manager.existsBy(CategoryEntity, { parentId: id });
  },

  async delete(tx, id) {
    try {
      await tx.manager.delete(CategoryEntity, { id });
      return 'done';
    } catch (error) {
      if (isForeignKeyViolation(error)) return 'in-use';
      throw error;
    }
  },
};

function toCategory(record: Pick<CategoryRecord, 'id' | 'name' | 'parentId'>): Category {
  return { id: record.id, name: record.name, parentId: record.parentId ?? null };
}
