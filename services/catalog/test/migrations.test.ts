import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mssqlDdl, mssqlScript } from '@shop/kit';
import { catalogMigrations } from '../src/infrastructure/migrations';

const committedFile = join(__dirname, '../src/infrastructure/mssql/catalog-migrations.sql');

describe('SQL Server DDL of the catalog migrations', () => {
  it('is generated offline and matches the committed script', async () => {
    const script = mssqlScript('the catalog tables (catalogMigrations)', await mssqlDdl(catalogMigrations));
    expect(script).toBe(readFileSync(committedFile, 'utf8'));
  });

  it('declares the tables with Unicode strings, datetime2, the sku key unique and both foreign keys', async () => {
    const ddl = (await mssqlDdl(catalogMigrations)).join('\n');
    expect(ddl).toMatch(/CREATE TABLE "categories" \(/);
    expect(ddl).toMatch(/CREATE TABLE "products" \(/);
    expect(ddl).toMatch(/"search_text" nvarchar\(MAX\) NOT NULL/);
    expect(ddl).toMatch(/"created_at" datetime2 NOT NULL/);
    expect(ddl).toMatch(/CONSTRAINT "UQ_products_sku_key" UNIQUE \("sku_key"\)/);
    expect(ddl).toMatch(/CONSTRAINT "FK_products_category" FOREIGN KEY \("category_id"\) REFERENCES "categories"/);
    expect(ddl).toMatch(/CONSTRAINT "FK_categories_parent" FOREIGN KEY \("parent_id"\) REFERENCES "categories"/);
    expect(ddl).not.toMatch(/\btext\b|\bvarchar\(|timestamptz|CASCADE/i);
  });
});
