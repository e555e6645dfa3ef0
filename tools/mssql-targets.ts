import { join } from 'node:path';
import { kitMigrations, type MigrationClass } from '../packages/kit/src/data';
import { analyticsMigrations } from '../services/analytics/src/infrastructure/migrations';
import { catalogMigrations } from '../services/catalog/src/infrastructure/migrations';
import { fraudMigrations } from '../services/fraud/src/infrastructure/migrations';
import { identityMigrations } from '../services/identity/src/infrastructure/migrations';
import { inventoryMigrations } from '../services/inventory/src/infrastructure/migrations';
import { notificationsMigrations } from '../services/notifications/src/infrastructure/migrations';
import { ordersMigrations } from '../services/orders/src/infrastructure/migrations';
import { paymentsMigrations } from '../services/payments/src/infrastructure/migrations';
import { simulatedGatewayMigrations } from '../services/payments/src/infrastructure/simulated-gateway/migrations';
import { recommendationMigrations } from '../services/recommendations/src/infrastructure/migrations';

export interface MssqlTarget {
  title: string;
  migrations: MigrationClass[];
  /** Relative to the repository root. */
  file: string;
}

export const repositoryRoot = join(__dirname, '..');

/** Every migration set and the committed SQL Server script generated from it (tools/mssql-ddl.ts). */
export const mssqlTargets: MssqlTarget[] = [
  {
    title: 'the kit tables (kitMigrations)',
    migrations: kitMigrations,
    file: 'packages/kit/src/data/mssql/kit-migrations.sql',
  },
  {
    title: 'the identity service (identityMigrations)',
    migrations: identityMigrations,
    file: 'services/identity/src/infrastructure/mssql/identity-migrations.sql',
  },
  {
    title: 'the catalog tables (catalogMigrations)',
    migrations: catalogMigrations,
    file: 'services/catalog/src/infrastructure/mssql/catalog-migrations.sql',
  },
  {
    title: 'the inventory service (inventoryMigrations)',
    migrations: inventoryMigrations,
    file: 'services/inventory/src/infrastructure/mssql/inventory-migrations.sql',
  },
  {
    title: 'the orders service (ordersMigrations)',
    migrations: ordersMigrations,
    file: 'services/orders/src/infrastructure/mssql/orders-migrations.sql',
  },
  {
    title: 'the payments service (paymentsMigrations, simulatedGatewayMigrations)',
    migrations: [...paymentsMigrations, ...simulatedGatewayMigrations],
    file: 'services/payments/src/infrastructure/mssql/payments-migrations.sql',
  },
  {
    title: 'the notifications service (notificationsMigrations)',
    migrations: notificationsMigrations,
    file: 'services/notifications/src/infrastructure/mssql/notifications-migrations.sql',
  },
  {
    title: 'the analytics service (analyticsMigrations)',
    migrations: analyticsMigrations,
    file: 'services/analytics/src/infrastructure/mssql/analytics-migrations.sql',
  },
  {
    title: 'the recommendations service (recommendationMigrations)',
    migrations: recommendationMigrations,
    file: 'services/recommendations/src/infrastructure/mssql/recommendations-migrations.sql',
  },
  {
    title: 'the fraud service (fraudMigrations)',
    migrations: fraudMigrations,
    file: 'services/fraud/src/infrastructure/mssql/fraud-migrations.sql',
  },
];
