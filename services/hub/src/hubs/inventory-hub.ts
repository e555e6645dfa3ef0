import { type HubCallContext, type HubDefinition, HubError } from '@shop/signalr';
import { type StockFeed, stockGroup } from './stock-feed';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function productIdOf(value: unknown): string {
  if (typeof value !== 'string' || !uuid.test(value)) throw new HubError('productId must be a UUID');
  return value.toLowerCase();
}

/**
 * `/hubs/inventory`, anonymous: a client subscribes to the products it shows and receives `StockChanged` for
 * each change of their stock, starting with the current stock at the moment it subscribes.
 */
export function inventoryHub(feed: StockFeed): HubDefinition {
  return {
    name: 'inventory',
    methods: {
      SubscribeProduct: {
        parameters: 1,
        async invoke(call: HubCallContext, productId: unknown) {
          const id = productIdOf(productId);
          // Join first, then read: a change between the two reaches the client through the group.
          await call.groups.add(stockGroup(id));
          await feed.sendCurrent(call.connectionId, id);
        },
      },
      UnsubscribeProduct: {
        parameters: 1,
        async invoke(call: HubCallContext, productId: unknown) {
          await call.groups.remove(stockGroup(productIdOf(productId)));
        },
      },
    },
  };
}
