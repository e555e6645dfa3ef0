import { ApiRoutes } from '@shop/kit';
import type { Middleware } from 'koa';
import type { CartDeps } from '../application/ports';
import { dependencyProblems } from './cart-problems';
import { cartRoutes } from './cart-routes';

/** The cart's public API on its use cases: every route, its guard and its OpenAPI document. */
export function cartApi(deps: CartDeps, authenticate: Middleware) {
  const api = new ApiRoutes();
  api.use(authenticate, dependencyProblems);
  cartRoutes(api, deps);
  // POST /api/cart/checkout (the checkout routes) is declared here, on the same deps.
  return {
    router: api.router,
    openApi: api.openApi({
      title: 'cart',
      version: '1',
      description:
        "Customers' and guests' carts with the catalog's current prices and inventory's current availability.",
    }),
  };
}
