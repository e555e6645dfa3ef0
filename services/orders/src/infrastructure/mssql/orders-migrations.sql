-- SQL Server DDL of the orders service (ordersMigrations).
-- Generated from the migrations by `npx tsx tools/mssql-ddl.ts`; do not edit by hand.

-- CreateOrders1732400000000
CREATE TABLE "orders" ("id" nvarchar(36) NOT NULL, "customer_id" nvarchar(36) NOT NULL, "status" nvarchar(20) NOT NULL, "items_json" nvarchar(MAX) NOT NULL, "total_amount" bigint NOT NULL, "currency" nvarchar(3) NOT NULL, "shipping_address_json" nvarchar(MAX) NOT NULL, "payment_method_id" nvarchar(64) NOT NULL, "card_last4" nvarchar(4) NOT NULL, "failure_reason" nvarchar(40), "tracking_number" nvarchar(100), "created_at" datetime2 NOT NULL, "updated_at" datetime2 NOT NULL, CONSTRAINT "PK_710e2d4957aa5878dfe94e4ac2f" PRIMARY KEY ("id"));
GO
CREATE INDEX "IX_orders_customer_created" ON "orders" ("customer_id", "created_at", "id");
GO
CREATE INDEX "IX_orders_status_created" ON "orders" ("status", "created_at", "id");
GO
CREATE INDEX "IX_orders_created" ON "orders" ("created_at", "id");
GO

-- AddOrderRiskAndReview1732400000001
ALTER TABLE "orders" ADD "risk_score" int;
GO
ALTER TABLE "orders" ADD "risk_reasons_json" nvarchar(400);
GO
ALTER TABLE "orders" ADD "review_decision" nvarchar(10);
GO
ALTER TABLE "orders" ADD "review_note" nvarchar(500);
GO
ALTER TABLE "orders" ADD "reviewed_by" nvarchar(100);
GO
ALTER TABLE "orders" ADD "reviewed_at" datetime2;
GO
