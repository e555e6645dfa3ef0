import type { Middleware } from 'koa';
import type { DataSource } from 'typeorm';
import type { PaymentsDeps, UnitOfWork } from '../application/ports';

/** What the routes need: the application's dependencies, the database for idempotent writes, authentication. */
export interface PaymentsHttp {
  deps: PaymentsDeps;
  unitOfWork: UnitOfWork;
  dataSource: DataSource;
  authenticate: Middleware;
}
