-- SQL Server DDL of the identity service (identityMigrations).
-- Generated from the migrations by `npx tsx tools/mssql-ddl.ts`; do not edit by hand.

-- CreateIdentityTables1732300000000
CREATE TABLE "customers" ("id" nvarchar(36) NOT NULL, "email" nvarchar(254) NOT NULL, "name" nvarchar(200) NOT NULL, "roles" nvarchar(100) NOT NULL, "password_hash" nvarchar(200), "created_at" datetime2 NOT NULL, "updated_at" datetime2 NOT NULL, "deleted_at" datetime2, CONSTRAINT "UQ_customers_email" UNIQUE ("email"), CONSTRAINT "PK_133ec679a801fab5e070f73d3ea" PRIMARY KEY ("id"));
GO
CREATE INDEX "IX_customers_created_at_id" ON "customers" ("created_at", "id");
GO
CREATE TABLE "addresses" ("id" nvarchar(36) NOT NULL, "customer_id" nvarchar(36) NOT NULL, "label" nvarchar(50), "line1" nvarchar(200) NOT NULL, "line2" nvarchar(200), "city" nvarchar(100) NOT NULL, "region" nvarchar(100), "postal_code" nvarchar(20) NOT NULL, "country" nvarchar(2) NOT NULL, "is_default" bit NOT NULL, "created_at" datetime2 NOT NULL, "updated_at" datetime2 NOT NULL, CONSTRAINT "PK_745d8f43d3af10ab8247465e450" PRIMARY KEY ("id"));
GO
CREATE INDEX "IX_addresses_customer_id" ON "addresses" ("customer_id");
GO
CREATE TABLE "refresh_tokens" ("id" nvarchar(36) NOT NULL, "family_id" nvarchar(36) NOT NULL, "customer_id" nvarchar(36) NOT NULL, "token_hash" nvarchar(64) NOT NULL, "created_at" datetime2 NOT NULL, "expires_at" datetime2 NOT NULL, "used_at" datetime2, "revoked_at" datetime2, CONSTRAINT "UQ_refresh_tokens_token_hash" UNIQUE ("token_hash"), CONSTRAINT "PK_7d8bee0204106019488c4c50ffa" PRIMARY KEY ("id"));
GO
CREATE INDEX "IX_refresh_tokens_family_id" ON "refresh_tokens" ("family_id");
GO
CREATE INDEX "IX_refresh_tokens_customer_id" ON "refresh_tokens" ("customer_id");
GO
CREATE INDEX "IX_refresh_tokens_expires_at" ON "refresh_tokens" ("expires_at");
GO
CREATE TABLE "signing_keys" ("kid" nvarchar(64) NOT NULL, "public_jwk" nvarchar(MAX) NOT NULL, "private_key" nvarchar(MAX) NOT NULL, "created_at" datetime2 NOT NULL, CONSTRAINT "PK_13362ac3e792c69417e1a53d355" PRIMARY KEY ("kid"));
GO

-- AddCustomerLocaleAndPhone1732300000001
ALTER TABLE "customers" ADD "locale" nvarchar(35) NOT NULL CONSTRAINT "DF_2dc33b55234647eaf40687e0b08" DEFAULT 'en';
GO
ALTER TABLE "customers" ADD "phone" nvarchar(16);
GO
