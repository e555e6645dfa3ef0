-- SQL Server DDL of the inventory service (inventoryMigrations).
-- Generated from the migrations by `npx tsx tools/mssql-ddl.ts`; do not edit by hand.

-- CreateStockItems1732400000000
CREATE TABLE "stock_items" ("product_id" nvarchar(36) NOT NULL, "on_hand" int NOT NULL, "reserved" int NOT NULL, "version" int NOT NULL, "discontinued_at" datetime2, "created_at" datetime2 NOT NULL, "updated_at" datetime2 NOT NULL, CONSTRAINT "CK_stock_items_levels" CHECK (reserved >= 0 AND on_hand >= reserved), CONSTRAINT "PK_7d35d70ec8771bb8c5f262d4d7f" PRIMARY KEY ("product_id"));
GO

-- CreateReservations1732400000001
CREATE TABLE "reservations" ("id" nvarchar(36) NOT NULL, "order_id" nvarchar(36) NOT NULL, "status" nvarchar(16) NOT NULL, "lines" nvarchar(MAX) NOT NULL, "expires_at" datetime2 NOT NULL, "release_reason" nvarchar(32), "rejection" nvarchar(MAX), "created_at" datetime2 NOT NULL, "updated_at" datetime2 NOT NULL, CONSTRAINT "UQ_reservations_order_id" UNIQUE ("order_id"), CONSTRAINT "PK_da95cef71b617ac35dc5bcda243" PRIMARY KEY ("id"));
GO
CREATE INDEX "IX_reservations_held_expires_at" ON "reservations" ("expires_at") WHERE status = 'held';
GO

-- CreateStockAdjustments1732400000002
CREATE TABLE "stock_adjustments" ("id" nvarchar(36) NOT NULL, "product_id" nvarchar(36) NOT NULL, "delta" int NOT NULL, "reason" nvarchar(200) NOT NULL, "actor_id" nvarchar(100), "on_hand_after" int NOT NULL, "created_at" datetime2 NOT NULL, CONSTRAINT "PK_7dc03d92f242dd489d33b80d063" PRIMARY KEY ("id"));
GO
CREATE INDEX "IX_stock_adjustments_product" ON "stock_adjustments" ("product_id", "created_at");
GO
