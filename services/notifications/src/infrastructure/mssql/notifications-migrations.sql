-- SQL Server DDL of the notifications service (notificationsMigrations).
-- Generated from the migrations by `npx tsx tools/mssql-ddl.ts`; do not edit by hand.

-- CreateNotificationTables1733700000000
CREATE TABLE "customer_contacts" ("customer_id" nvarchar(36) NOT NULL, "email" nvarchar(254) NOT NULL, "name" nvarchar(200) NOT NULL, "locale" nvarchar(35), "phone" nvarchar(16), "updated_at" datetime2 NOT NULL, CONSTRAINT "PK_76ca61fed7339b9f358599f9fda" PRIMARY KEY ("customer_id"));
GO
CREATE TABLE "notification_preferences" ("customer_id" nvarchar(36) NOT NULL, "email" bit NOT NULL, "sms" bit NOT NULL, "in_app" bit NOT NULL, "updated_at" datetime2 NOT NULL, CONSTRAINT "PK_f68ee7186c93cb6528569dc040b" PRIMARY KEY ("customer_id"));
GO
CREATE TABLE "in_app_notifications" ("id" nvarchar(36) NOT NULL, "customer_id" nvarchar(36) NOT NULL, "type" nvarchar(30) NOT NULL, "title" nvarchar(300) NOT NULL, "body" nvarchar(MAX) NOT NULL, "order_id" nvarchar(36), "created_at" datetime2 NOT NULL, "read_at" datetime2, CONSTRAINT "PK_f871e2a23724692bbb5b3b75c98" PRIMARY KEY ("id"));
GO
CREATE INDEX "IX_in_app_customer_created" ON "in_app_notifications" ("customer_id", "created_at", "id");
GO
CREATE TABLE "deliveries" ("id" nvarchar(36) NOT NULL, "event_id" nvarchar(100) NOT NULL, "channel" nvarchar(10) NOT NULL, "customer_id" nvarchar(36) NOT NULL, "type" nvarchar(30) NOT NULL, "facts_json" nvarchar(MAX) NOT NULL, "status" nvarchar(10) NOT NULL, "attempts" int NOT NULL, "next_attempt_at" datetime2, "claimed_until" datetime2, "claim_token" nvarchar(36), "error" nvarchar(1000), "created_at" datetime2 NOT NULL, "sent_at" datetime2, "notification_id" nvarchar(36), CONSTRAINT "UQ_deliveries_event_channel" UNIQUE ("event_id", "channel"), CONSTRAINT "PK_a6ef225c5c5f0974e503bfb731f" PRIMARY KEY ("id"));
GO
CREATE INDEX "IX_deliveries_due" ON "deliveries" ("status", "next_attempt_at");
GO
CREATE INDEX "IX_deliveries_claim" ON "deliveries" ("claim_token");
GO
CREATE INDEX "IX_deliveries_created" ON "deliveries" ("created_at", "id");
GO
CREATE INDEX "IX_deliveries_customer_created" ON "deliveries" ("customer_id", "created_at", "id");
GO
