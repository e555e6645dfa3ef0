import { addColumns, dropColumns, type MigrationClass, portableColumns } from '@shop/kit';
import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

const idLength = 36;
const nameLength = 200;
const currencyLength = 3;

export class CreateRecommendationTables1734400000000 implements MigrationInterface {
  readonly name = 'CreateRecommendationTables1734400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = portableColumns(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'rec_model',
        columns: [
          { ...c.integer('id'), isPrimary: true },
          { ...c.double('base_at_ms'), isNullable: true },
          c.integer('version'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'rec_product_weights',
        columns: [{ ...c.string('product_id', idLength), isPrimary: true }, c.double('weight')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'rec_candidates',
        columns: [
          { ...c.string('product_id', idLength), isPrimary: true },
          { ...c.string('neighbour_id', idLength), isPrimary: true },
          c.double('weight'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'rec_purchases',
        columns: [
          { ...c.string('customer_id', idLength), isPrimary: true },
          { ...c.string('product_id', idLength), isPrimary: true },
          c.double('weight'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'rec_products',
        columns: [
          { ...c.string('product_id', idLength), isPrimary: true },
          { ...c.string('name', nameLength), isNullable: true },
          { ...c.integer('price_amount'), isNullable: true },
          { ...c.string('price_currency', currencyLength), isNullable: true },
          { ...c.string('category_id', idLength), isNullable: true },
          { ...c.timestamp('facts_at'), isNullable: true },
          c.boolean('archived'),
          { ...c.integer('available'), isNullable: true },
          { ...c.integer('stock_version'), isNullable: true },
        ],
        // A category's bestsellers are read by category.
        indices: [new TableIndex({ name: 'IX_rec_products_category', columnNames: ['category_id'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['rec_products', 'rec_purchases', 'rec_candidates', 'rec_product_weights', 'rec_model']) {
      await queryRunner.dropTable(table);
    }
  }
}

/** The catalog's per-product version of the facts (null: facts from before the catalog's events carried one). */
export class AddProductFactsVersion1765170000001 implements MigrationInterface {
  readonly name = 'AddProductFactsVersion1765170000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = portableColumns(queryRunner);
    await addColumns(queryRunner, 'rec_products', [{ ...c.integer('facts_version'), isNullable: true }]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropColumns(queryRunner, 'rec_products', ['facts_version']);
  }
}

export const recommendationMigrations: MigrationClass[] = [
  CreateRecommendationTables1734400000000,
  AddProductFactsVersion1765170000001,
];
