-- SQL Server DDL of the payments service (paymentsMigrations, simulatedGatewayMigrations).
-- Generated from the migrations by `npx tsx tools/mssql-ddl.ts`; do not edit by hand.

-- CreatePaymentTables1732400000000
CREATE TABLE "payments" ("id" nvarchar(36) NOT NULL, "order_id" nvarchar(36) NOT NULL, "customer_id" nvarchar(36) NOT NULL, "status" nvarchar(20) NOT NULL, "amount" bigint NOT NULL, "currency" nvarchar(3) NOT NULL, "refunded_amount" bigint NOT NULL, "payment_method_id" nvarchar(64) NOT NULL, "card_brand" nvarchar(20), "card_last4" nvarchar(4), "authorization_id" nvarchar(64), "capture_id" nvarchar(64), "failure_reason" nvarchar(40), "created_at" datetime2 NOT NULL, "updated_at" datetime2 NOT NULL, CONSTRAINT "UQ_payments_order_id" UNIQUE ("order_id"), CONSTRAINT "PK_197ab7af18c93fbb0c9b28b4a59" PRIMARY KEY ("id"));
GO
CREATE INDEX "IX_payments_created_at_id" ON "payments" ("created_at", "id");
GO
CREATE INDEX "IX_payments_customer_created_at" ON "payments" ("customer_id", "created_at", "id");
GO
CREATE TABLE "refunds" ("id" nvarchar(36) NOT NULL, "payment_id" nvarchar(36) NOT NULL, "order_id" nvarchar(36) NOT NULL, "amount" bigint NOT NULL, "currency" nvarchar(3) NOT NULL, "reason" nvarchar(200) NOT NULL, "gateway_refund_id" nvarchar(64) NOT NULL, "created_at" datetime2 NOT NULL, CONSTRAINT "PK_5106efb01eeda7e49a78b869738" PRIMARY KEY ("id"));
GO
CREATE INDEX "IX_refunds_payment_id" ON "refunds" ("payment_id", "created_at");
GO

-- AddPaymentReviewRequired1732400000001
ALTER TABLE "payments" ADD "review_required" bit NOT NULL CONSTRAINT "DF_5423259fb6aaa495186399cc868" DEFAULT 0;
GO

-- CreateSimulatedGatewayTables1732400001000
CREATE TABLE "gateway_payment_methods" ("id" nvarchar(36) NOT NULL, "brand" nvarchar(20) NOT NULL, "last4" nvarchar(4) NOT NULL, "exp_month" int NOT NULL, "exp_year" int NOT NULL, "behaviour" nvarchar(30) NOT NULL, "created_at" datetime2 NOT NULL, "expires_at" datetime2 NOT NULL, CONSTRAINT "PK_96178c99097555ad56cf9337391" PRIMARY KEY ("id"));
GO
CREATE INDEX "IX_gateway_payment_methods_expires_at" ON "gateway_payment_methods" ("expires_at");
GO
CREATE TABLE "gateway_charges" ("id" nvarchar(36) NOT NULL, "idempotency_key" nvarchar(100) NOT NULL, "payment_method_id" nvarchar(64) NOT NULL, "brand" nvarchar(20), "last4" nvarchar(4), "amount" bigint NOT NULL, "currency" nvarchar(3) NOT NULL, "status" nvarchar(20) NOT NULL, "decline_reason" nvarchar(40), "refunded_amount" bigint NOT NULL, "created_at" datetime2 NOT NULL, "updated_at" datetime2 NOT NULL, CONSTRAINT "UQ_gateway_charges_idempotency_key" UNIQUE ("idempotency_key"), CONSTRAINT "PK_9f1514490fb35239babeb9dd022" PRIMARY KEY ("id"));
GO
CREATE TABLE "gateway_refunds" ("id" nvarchar(36) NOT NULL, "idempotency_key" nvarchar(100) NOT NULL, "charge_id" nvarchar(36) NOT NULL, "amount" bigint NOT NULL, "currency" nvarchar(3) NOT NULL, "created_at" datetime2 NOT NULL, CONSTRAINT "UQ_gateway_refunds_idempotency_key" UNIQUE ("idempotency_key"), CONSTRAINT "PK_8290472d79ba2cc23c18658edf2" PRIMARY KEY ("id"));
GO
CREATE INDEX "IX_gateway_refunds_charge_id" ON "gateway_refunds" ("charge_id");
GO
