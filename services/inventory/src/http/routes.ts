import { ApiRoutes } from '@shop/kit';
import type { Middleware } from 'koa';
import type { HttpDeps } from './http-deps';
import { addInternalStockRoutes } from './internal-stock-routes';
import { addAdminReservationRoutes, addInternalReservationRoutes } from './reservation-routes';
import { addStockRoutes } from './stock-routes';

/** Every route of the inventory; the internal ones come before `authenticate`, which they do not need. */
export function inventoryRoutes(deps: HttpDeps, authenticate: Middleware): ApiRoutes {
  const api = new ApiRoutes();
  addInternalReservationRoutes(api, deps);
  addInternalStockRoutes(api, deps);
  api.use(authenticate);
  addAdminReservationRoutes(api, deps);
  addStockRoutes(api, deps);
  return api;
}
