-- SQL Server DDL of the recommendations service (recommendationMigrations).
-- Generated from the migrations by `npx tsx tools/mssql-ddl.ts`; do not edit by hand.

-- CreateRecommendationTables1734400000000
CREATE TABLE "rec_model" ("id" int NOT NULL, "base_at_ms" float, "version" int NOT NULL, CONSTRAINT "PK_484848660576240999cfb474c71" PRIMARY KEY ("id"));
GO
CREATE TABLE "rec_product_weights" ("product_id" nvarchar(36) NOT NULL, "weight" float NOT NULL, CONSTRAINT "PK_bd9fdc926fb12a7018468e1aa11" PRIMARY KEY ("product_id"));
GO
CREATE TABLE "rec_candidates" ("product_id" nvarchar(36) NOT NULL, "neighbour_id" nvarchar(36) NOT NULL, "weight" float NOT NULL, CONSTRAINT "PK_c9e97c9d1e787cf098357c18136" PRIMARY KEY ("product_id", "neighbour_id"));
GO
CREATE TABLE "rec_purchases" ("customer_id" nvarchar(36) NOT NULL, "product_id" nvarchar(36) NOT NULL, "weight" float NOT NULL, CONSTRAINT "PK_dc58312260f25943a6fea0ca442" PRIMARY KEY ("customer_id", "product_id"));
GO
CREATE TABLE "rec_products" ("product_id" nvarchar(36) NOT NULL, "name" nvarchar(200), "price_amount" int, "price_currency" nvarchar(3), "category_id" nvarchar(36), "facts_at" datetime2, "archived" bit NOT NULL, "available" int, "stock_version" int, CONSTRAINT "PK_894479b8276b35e5bceec2d01f9" PRIMARY KEY ("product_id"));
GO
CREATE INDEX "IX_rec_products_category" ON "rec_products" ("category_id");
GO

-- AddProductFactsVersion1765170000001
ALTER TABLE "rec_products" ADD "facts_version" int;
GO
