import { ApiRoutes, handlerContext } from '@shop/kit';
import type { Context, Middleware } from 'koa';
import type { CheckoutDeps } from '../application/checkout';
import { settlingCheckouts } from '../application/checkout-lease';
import type { CartDeps } from '../application/ports';
import { dependencyProblems } from './cart-problems';
import { cartRoutes } from './cart-routes';
import { checkoutRoutes } from './checkout-routes';

/** The cart's public API on its use cases: every route, its guard and its OpenAPI document. */
export function cartApi(deps: CartDeps & CheckoutDeps, authenticate: Middleware) {
  const api = new ApiRoutes();
  api.use(authenticate, dependencyProblems);
  // A customer's own cart is read through settlingCheckouts: an expired checkout lease found there is settled first.
  const ownCart = (ctx: Context) => ({
    ...deps,
    carts: settlingCheckouts(handlerContext(ctx), { authorization: ctx.get('authorization') }, deps),
  });
  cartRoutes(api, deps, ownCart);
  checkoutRoutes(api, deps);
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
