-- SQL Server DDL of the fraud service (fraudMigrations).
-- Generated from the migrations by `npx tsx tools/mssql-ddl.ts`; do not edit by hand.

-- CreateFraudTables1734000000000
CREATE TABLE "assessments" ("order_id" nvarchar(36) NOT NULL, "customer_id" nvarchar(36) NOT NULL, "card_fingerprint" nvarchar(64) NOT NULL, "card_country" nvarchar(2), "shipping_country" nvarchar(2) NOT NULL, "currency" nvarchar(3) NOT NULL, "total" bigint NOT NULL, "units" int NOT NULL, "score" int NOT NULL, "reasons" nvarchar(400) NOT NULL, "placed_at" datetime2 NOT NULL, "assessed_at" datetime2 NOT NULL, CONSTRAINT "PK_d7de7f071e3774ae6cd0a92c155" PRIMARY KEY ("order_id"));
GO
CREATE INDEX "IX_assessments_customer_placed_at" ON "assessments" ("customer_id", "placed_at");
GO
CREATE INDEX "IX_assessments_card_placed_at" ON "assessments" ("card_fingerprint", "placed_at");
GO
CREATE TABLE "customer_profiles" ("customer_id" nvarchar(36) NOT NULL, "registered_at" datetime2 NOT NULL, CONSTRAINT "PK_03deb1c5f115ef10e5fcea962dd" PRIMARY KEY ("customer_id"));
GO
CREATE TABLE "customer_amounts" ("customer_id" nvarchar(36) NOT NULL, "currency" nvarchar(3) NOT NULL, "paid_orders" int NOT NULL, "log_micros_sum" bigint NOT NULL, "log_square_micros_sum" bigint NOT NULL, CONSTRAINT "PK_00288d7fb017f52e1f487c05b9e" PRIMARY KEY ("customer_id", "currency"));
GO
CREATE TABLE "shop_amount_buckets" ("currency" nvarchar(3) NOT NULL, "bucket" int NOT NULL, "assessments" int NOT NULL, CONSTRAINT "PK_889c5cf85e257c5b3f03d16e43c" PRIMARY KEY ("currency", "bucket"));
GO
CREATE TABLE "declines" ("order_id" nvarchar(36) NOT NULL, "customer_id" nvarchar(36) NOT NULL, "card_fingerprint" nvarchar(64) NOT NULL, "failed_at" datetime2 NOT NULL, CONSTRAINT "PK_1df3a6529b8fbdc97a7f918483a" PRIMARY KEY ("order_id"));
GO
CREATE INDEX "IX_declines_customer_failed_at" ON "declines" ("customer_id", "failed_at");
GO
CREATE INDEX "IX_declines_card_failed_at" ON "declines" ("card_fingerprint", "failed_at");
GO

-- AddCustomerAssessmentCounts1765170000000
CREATE TABLE "customer_assessment_counts" ("customer_id" nvarchar(36) NOT NULL, "assessments" int NOT NULL, CONSTRAINT "PK_4c70ae6b119b0fc69ea9ae3410e" PRIMARY KEY ("customer_id"));
GO
