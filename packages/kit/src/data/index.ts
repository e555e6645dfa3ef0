export { autocommit } from './autocommit';
export { bindStore, type StoreIn } from './bound-store';
export { isForeignKeyViolation, isUniqueViolation } from './constraint-violations';
export { countInboxDuplicate, type DataMetricsOptions, observeData, statementKind } from './data-metrics';
export {
  connectionOptions,
  createDataSource,
  type DataSourceSettings,
  type MigrationClass,
  openDataSource,
} from './data-source';
export {
  canonicalJson,
  defaultIdempotencyTtlHours,
  findIdempotentOutcome,
  hashRequest,
  type IdempotencyRequest,
  IdempotencySweeper,
  type IdempotentOutcome,
  runIdempotent,
  type StoredResponse,
  sweepIdempotencyKeys,
  withoutCardData,
} from './idempotency';
export { handleOnce, handleOnceInGroup, type InboxResult } from './inbox';
export {
  creationPage,
  type KeysetPage,
  type KeysetPageQuery,
  keysetPage,
  pageOf,
  type SortDirection,
} from './keyset';
export {
  DeadLetter,
  type DeadLetterRecord,
  type DeadLetterStatus,
  IdempotencyKey,
  type IdempotencyKeyRecord,
  InboxEvent,
  type InboxEventRecord,
  kitEntities,
  OutboxEvent,
  type OutboxEventRecord,
} from './kit-entities';
export { kitLimits, kitMigrations } from './kit-migrations';
export {
  type MigrationLock,
  mssqlMigrationLock,
  postgresMigrationLock,
  runMigrationsUnderLock,
} from './migration-lock';
export { mssqlDdl, mssqlScript } from './mssql-ddl';
export { OutboxRelay, type OutboxRelayOptions, type PublishEvent } from './outbox-relay';
export {
  addColumns,
  type Dialect,
  dialectOf,
  dropColumns,
  type PortableColumns,
  portableColumns,
} from './portable-columns';
export { sqliteBindingOptions } from './sqlite-binding';
export {
  type OutboxRow,
  onOutboxCommit,
  outboxRowForStatement,
  runTransaction,
  type TransactionOutcome,
  type Tx,
  transaction,
} from './unit-of-work';
