-- SQL Server DDL of the analytics service (analyticsMigrations).
-- Generated from the migrations by `npx tsx tools/mssql-ddl.ts`; do not edit by hand.

-- CreateAnalyticsTables1733800000000
CREATE TABLE "activity_hours" ("hour" int NOT NULL, "placed" int NOT NULL, "paid" int NOT NULL, "cancelled" int NOT NULL, "registered" int NOT NULL, "failed_out_of_stock" int NOT NULL, "failed_payment_declined" int NOT NULL, "failed_reservation_expired" int NOT NULL, CONSTRAINT "PK_6bf404e28903f273b6d6fd449ac" PRIMARY KEY ("hour"));
GO
CREATE TABLE "revenue_hours" ("hour" int NOT NULL, "currency" nvarchar(3) NOT NULL, "paid_orders" int NOT NULL, "paid_minor" bigint NOT NULL, "refunded_minor" bigint NOT NULL, CONSTRAINT "PK_02b197044a01ac1def5ae5bef49" PRIMARY KEY ("hour", "currency"));
GO
CREATE TABLE "product_days" ("product_id" nvarchar(36) NOT NULL, "day" int NOT NULL, "currency" nvarchar(3) NOT NULL, "quantity" int NOT NULL, "revenue_minor" bigint NOT NULL, CONSTRAINT "PK_a63c90d1c011bb1cc41d30f6523" PRIMARY KEY ("product_id", "day", "currency"));
GO
CREATE INDEX "IX_product_days_day" ON "product_days" ("day", "product_id");
GO
CREATE TABLE "products" ("product_id" nvarchar(36) NOT NULL, "name" nvarchar(200), "named_at" datetime2, "available" int, "stock_version" int, CONSTRAINT "PK_a8940a4bf3b90bd7ac15c8f4dd9" PRIMARY KEY ("product_id"));
GO
CREATE TABLE "order_facts" ("order_id" nvarchar(36) NOT NULL, "placed_at" datetime2, "paid_at" datetime2, "failed_at" datetime2, "cancelled_at" datetime2, "currency" nvarchar(3), "total_minor" bigint, "lines_json" nvarchar(MAX), "revenue_counted" bit NOT NULL, "units_counted" bit NOT NULL, CONSTRAINT "PK_029fb3ba95841d38a4b48f15d79" PRIMARY KEY ("order_id"));
GO

-- AddHeldOrders1733800000001
ALTER TABLE "activity_hours" ADD "held" int NOT NULL CONSTRAINT "DF_0a18568b86f53d8c0023c04b19f" DEFAULT 0;
GO
ALTER TABLE "activity_hours" ADD "failed_fraud_suspected" int NOT NULL CONSTRAINT "DF_64d9ae46dbb03f1d302232924db" DEFAULT 0;
GO
ALTER TABLE "order_facts" ADD "held_at" datetime2;
GO

-- AddProductNameVersion1765170000002
ALTER TABLE "products" ADD "name_version" int;
GO
