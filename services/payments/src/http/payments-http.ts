import type { Tx } from '@shop/kit';
import type { Middleware } from 'koa';
import type { DataSource } from 'typeorm';
import type { PaymentStore, PaymentsDeps, UnitOfWork } from '../application/ports';

/** What the routes need: the application's dependencies, the database for idempotent writes, authentication. */
export interface PaymentsHttp {
  deps: PaymentsDeps;
  unitOfWork: UnitOfWork;
  dataSource: DataSource;
  /** The stores of a transaction the routes opened themselves (an idempotent write records its answer in it). */
  storeOf: (tx: Tx) => PaymentStore;
  authenticate: Middleware;
}
