-- SQL Server DDL of the kit tables (kitMigrations).
-- Generated from the migrations by `npx tsx tools/mssql-ddl.ts`; do not edit by hand.

-- CreateOutboxEvents1732100000000
CREATE TABLE "outbox_events" ("seq" bigint NOT NULL IDENTITY(1,1), "id" nvarchar(36) NOT NULL, "topic" nvarchar(200) NOT NULL, "type" nvarchar(200) NOT NULL, "payload" nvarchar(MAX) NOT NULL, "occurred_at" datetime2 NOT NULL, "created_at" datetime2 NOT NULL, "published_at" datetime2, "attempts" int NOT NULL CONSTRAINT "DF_582a1b182f34dace2e092dad766" DEFAULT 0, "last_error" nvarchar(MAX), "locked_by" nvarchar(100), "locked_until" datetime2, CONSTRAINT "UQ_outbox_events_id" UNIQUE ("id"), CONSTRAINT "PK_cc48a1566b3b842a82f0b2615c8" PRIMARY KEY ("seq"));
GO
CREATE INDEX "IX_outbox_events_unpublished" ON "outbox_events" ("seq") WHERE published_at IS NULL;
GO

-- CreateInboxEvents1732100000001
CREATE TABLE "inbox_events" ("consumer" nvarchar(100) NOT NULL, "event_id" nvarchar(100) NOT NULL, "processed_at" datetime2 NOT NULL, CONSTRAINT "PK_c618fccce6513524093dbbbf5d0" PRIMARY KEY ("consumer", "event_id"));
GO

-- CreateIdempotencyKeys1732100000002
CREATE TABLE "idempotency_keys" ("scope" nvarchar(100) NOT NULL, "key" nvarchar(255) NOT NULL, "request_hash" nvarchar(64) NOT NULL, "status" nvarchar(16) NOT NULL, "response" nvarchar(MAX) NOT NULL, "created_at" datetime2 NOT NULL, "completed_at" datetime2 NOT NULL, CONSTRAINT "PK_15de2f76fa9f27ad8f330983607" PRIMARY KEY ("scope", "key"));
GO
CREATE INDEX "IX_idempotency_keys_created_at" ON "idempotency_keys" ("created_at");
GO

-- AddOutboxTraceparent1732100000003
ALTER TABLE "outbox_events" ADD "traceparent" nvarchar(55);
GO

-- CreateDeadLetters1732100000004
CREATE TABLE "dead_letters" ("id" nvarchar(36) NOT NULL, "topic" nvarchar(200) NOT NULL, "event_id" nvarchar(100) NOT NULL, "event_type" nvarchar(200) NOT NULL, "payload" nvarchar(MAX) NOT NULL, "error" nvarchar(MAX), "attempts" int NOT NULL CONSTRAINT "DF_40e3de7b208845cd3e310106e05" DEFAULT 0, "dead_lettered_at" datetime2 NOT NULL, "status" nvarchar(16) NOT NULL, "resolved_at" datetime2, "resolved_by" nvarchar(100), CONSTRAINT "PK_084e63809483fb0a9c48aae607f" PRIMARY KEY ("id"));
GO
CREATE INDEX "IX_dead_letters_listed" ON "dead_letters" ("dead_lettered_at", "id");
GO
CREATE INDEX "IX_dead_letters_topic" ON "dead_letters" ("topic", "dead_lettered_at", "id");
GO
CREATE INDEX "IX_dead_letters_status" ON "dead_letters" ("status");
GO
