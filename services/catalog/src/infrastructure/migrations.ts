import { portableColumns } from '@shop/kit';
import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex, TableUnique } from 'typeorm';
import { catalogLimits } from '../domain/limits';

// Whole Table objects, never reading the live schema, so the SQL Server DDL can be generated offline
// (packages/kit/src/data/mssql-ddl.ts); the script is services/catalog/src/infrastructure/mssql/.

export class CreateCatalogTables1732300000000 implements MigrationInterface {
  readonly name = 'CreateCatalogTables1732300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = portableColumns(queryRunner);
    const id = (name: string) => c.string(name, catalogLimits.idLength);
    await queryRunner.createTable(
      new Table({
        name: 'categories',
        columns: [
          { ...id('id'), isPrimary: true },
          c.string('name', catalogLimits.categoryNameLength),
          { ...id('parent_id'), isNullable: true },
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
        // No cascade: a category goes only when it is empty (and SQL Server refuses cascades on a self-reference).
        foreignKeys: [
          new TableForeignKey({
            name: 'FK_categories_parent',
            columnNames: ['parent_id'],
            referencedTableName: 'categories',
            referencedColumnNames: ['id'],
          }),
        ],
        indices: [new TableIndex({ name: 'IX_categories_parent_id', columnNames: ['parent_id'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'products',
        columns: [
          { ...id('id'), isPrimary: true },
          c.string('sku', catalogLimits.skuLength),
          c.string('sku_key', catalogLimits.skuKeyLength),
          c.string('name', catalogLimits.productNameLength),
          c.string('name_key', catalogLimits.nameKeyLength),
          c.text('description'),
          c.text('search_text'),
          c.integer('price_amount'),
          c.string('price_currency', catalogLimits.currencyLength),
          id('category_id'),
          c.string('status', catalogLimits.statusLength),
          c.integer('stock'),
          c.integer('stock_version'),
          c.integer('row_version'),
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
        uniques: [new TableUnique({ name: 'UQ_products_sku_key', columnNames: ['sku_key'] })],
        foreignKeys: [
          new TableForeignKey({
            name: 'FK_products_category',
            columnNames: ['category_id'],
            referencedTableName: 'categories',
            referencedColumnNames: ['id'],
          }),
        ],
        // One index per sort order, each ending in the id tie-break the keyset pagination compares.
        indices: [
          new TableIndex({ name: 'IX_products_created', columnNames: ['status', 'created_at', 'id'] }),
          new TableIndex({ name: 'IX_products_name', columnNames: ['status', 'name_key', 'id'] }),
          new TableIndex({ name: 'IX_products_price', columnNames: ['status', 'price_amount', 'id'] }),
          new TableIndex({ name: 'IX_products_category_id', columnNames: ['category_id'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('products');
    await queryRunner.dropTable('categories');
  }
}

/** The catalog's migrations, in order (createDataSource runs the kit's first). */
export const catalogMigrations = [CreateCatalogTables1732300000000];
