import { type HubCallContext, type HubDefinition, HubError } from '@shop/signalr';
import { type StockFeed, stockGroup } from './stock-feed';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function productIdOf(value: unknown): string {
  if (typeof value !== 'string' || !uuid.test(value)) throw new HubError('productId must be a UUID');
  return value.toLowerCase();
}

const subscriptionsItem = 'stock-subscriptions';

/** The products this connection follows, kept with the connection. */
function subscriptionsOf(call: HubCallContext): Set<string> {
  let products = call.items.get(subscriptionsItem) as Set<string> | undefined;
  if (!products) {
    products = new Set();
    call.items.set(subscriptionsItem, products);
  }
  return products;
}

export interface InventoryHubLimits {
  /** Products one connection may follow at once: the hub is anonymous, and each subscription may cost a read. */
  maxProductsPerConnection: number;
}

/**
 * `/hubs/inventory`, anonymous: a client subscribes to the products it shows and receives `StockChanged` for
 * each change of their stock, starting with the current stock at the moment it subscribes.
 */
export function inventoryHub(feed: StockFeed, limits: InventoryHubLimits): HubDefinition {
  return {
    name: 'inventory',
    methods: {
      SubscribeProduct: {
        parameters: 1,
        async invoke(call: HubCallContext, productId: unknown) {
          const id = productIdOf(productId);
          const products = subscriptionsOf(call);
          if (!products.has(id) && products.size >= limits.maxProductsPerConnection) {
            throw new HubError(
              `a connection may follow at most ${limits.maxProductsPerConnection} products; unsubscribe from one first`,
            );
          }
          products.add(id);
          // Join first, then read: a change between the two reaches the client through the group.
          await call.groups.add(stockGroup(id));
          await feed.sendCurrent(call.connectionId, id);
        },
      },
      UnsubscribeProduct: {
        parameters: 1,
        async invoke(call: HubCallContext, productId: unknown) {
          const id = productIdOf(productId);
          subscriptionsOf(call).delete(id);
          await call.groups.remove(stockGroup(id));
        },
      },
    },
  };
}
