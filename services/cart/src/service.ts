import { type ServiceManifest, statelessIntake } from '@shop/kit';
import type { CheckoutDeps } from './application/checkout';
import type { CartDeps } from './application/ports';
import { type CartConfig, cartConfigSchema } from './cart-config';
import { cartApi } from './http/cart-api';
import { cartMetricsIn } from './infrastructure/cart-metrics';
import { meshCartEvents } from './infrastructure/mesh-cart-events';
import { meshOrders } from './infrastructure/mesh-orders';
import { StateCartStore } from './infrastructure/state-cart-store';
import { stateCheckoutRecords } from './infrastructure/state-checkout-records';
import { productProjectionOn } from './infrastructure/state-product-projection';
import { cartSubscriptions } from './subscriptions/cart-subscriptions';

const secondsPerDay = 86_400;

/**
 * The cart: customers' and guests' carts, one Dapr state entry each, written by conditional saves only; prices and
 * availability from a projection of the catalog's and inventory's events in the same state store. No database.
 */
export const cartService: ServiceManifest<CartConfig> = {
  name: 'cart',
  publicPaths: ['/api/cart', '/api/carts'],
  config: cartConfigSchema,
  async setup({ name, config, mesh, log, metrics, authenticate }) {
    const projection = productProjectionOn(mesh, log);
    const guestCartTtlSeconds = config.GUEST_CART_TTL_DAYS * secondsPerDay;
    const deps: CartDeps & CheckoutDeps = {
      carts: new StateCartStore(mesh.state, { guestCartTtlSeconds }),
      products: projection,
      metrics: cartMetricsIn(metrics),
      clock: { now: () => new Date() },
      guestCartTtlSeconds,
      checkoutLeaseSeconds: config.CART_CHECKOUT_LEASE_SECONDS,
      orders: meshOrders(mesh, log),
      records: stateCheckoutRecords(mesh.state, { ttlHours: config.CART_IDEMPOTENCY_TTL_HOURS }),
      events: meshCartEvents(mesh),
    };

    return {
      ...cartApi(deps, authenticate),
      subscriptions: statelessIntake(cartSubscriptions, { service: name, log, deps: { projection } }),
    };
  },
};
