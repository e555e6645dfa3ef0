-- SQL Server DDL of the catalog tables (catalogMigrations).
-- Generated from the migrations by `npx tsx tools/mssql-ddl.ts`; do not edit by hand.

-- CreateCatalogTables1732300000000
CREATE TABLE "categories" ("id" nvarchar(36) NOT NULL, "name" nvarchar(100) NOT NULL, "parent_id" nvarchar(36), "created_at" datetime2 NOT NULL, "updated_at" datetime2 NOT NULL, CONSTRAINT "FK_categories_parent" FOREIGN KEY ("parent_id") REFERENCES "categories" ("id"), CONSTRAINT "PK_24dbc6126a28ff948da33e97d3b" PRIMARY KEY ("id"));
GO
CREATE INDEX "IX_categories_parent_id" ON "categories" ("parent_id");
GO
CREATE TABLE "products" ("id" nvarchar(36) NOT NULL, "sku" nvarchar(64) NOT NULL, "sku_key" nvarchar(128) NOT NULL, "name" nvarchar(200) NOT NULL, "name_key" nvarchar(400) NOT NULL, "description" nvarchar(MAX) NOT NULL, "search_text" nvarchar(MAX) NOT NULL, "price_amount" int NOT NULL, "price_currency" nvarchar(3) NOT NULL, "category_id" nvarchar(36) NOT NULL, "status" nvarchar(16) NOT NULL, "stock" int NOT NULL, "stock_version" int NOT NULL, "row_version" int NOT NULL, "created_at" datetime2 NOT NULL, "updated_at" datetime2 NOT NULL, CONSTRAINT "UQ_products_sku_key" UNIQUE ("sku_key"), CONSTRAINT "FK_products_category" FOREIGN KEY ("category_id") REFERENCES "categories" ("id"), CONSTRAINT "PK_0806c755e0aca124e67c0cf6d7d" PRIMARY KEY ("id"));
GO
CREATE INDEX "IX_products_created" ON "products" ("status", "created_at", "id");
GO
CREATE INDEX "IX_products_name" ON "products" ("status", "name_key", "id");
GO
CREATE INDEX "IX_products_price" ON "products" ("status", "price_amount", "id");
GO
CREATE INDEX "IX_products_category_id" ON "products" ("category_id");
GO
