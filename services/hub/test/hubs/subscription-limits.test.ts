import { randomUUID } from 'node:crypto';
import type { HubConnection } from '@microsoft/signalr';
import { hubClient, record } from '@shop/signalr/test/support/clients';
import { type HubPlatform, startHubPlatform } from '../support/hub-platform';

// The hub alone, with a stand-in inventory that knows no product and counts the current-stock reads it answers.
let shop: HubPlatform;
let stockReads: string[];

beforeAll(async () => {
  shop = await startHubPlatform(
    { HUB_MAX_PRODUCTS_PER_CONNECTION: '5', HUB_UNKNOWN_PRODUCT_TTL_MS: '400' },
    { inventory: false },
  );
  shop.platform.bus.register('inventory', {
    listener: (req, res) => {
      stockReads.push(req.url ?? '');
      res.writeHead(404, { 'content-type': 'application/problem+json' });
      res.end(JSON.stringify({ type: 'about:blank', title: 'Not Found', status: 404 }));
    },
  });
});
afterAll(() => shop.stop());
beforeEach(() => {
  stockReads = [];
});

async function connect(): Promise<HubConnection> {
  const connection = hubClient(`${shop.url}/hubs/inventory`);
  await connection.start();
  return connection;
}

describe('anonymous stock subscriptions cost the inventory little', () => {
  it('caps the products one connection follows; the call over the cap fails and the connection stays', async () => {
    const connection = await connect();
    try {
      const products = Array.from({ length: 5 }, () => randomUUID());
      for (const productId of products) await connection.invoke('SubscribeProduct', productId);
      // Subscribing again to one it follows takes no new place.
      await connection.invoke('SubscribeProduct', products[0]);
      await expect(connection.invoke('SubscribeProduct', randomUUID())).rejects.toThrow(
        'HubException: a connection may follow at most 5 products; unsubscribe from one first',
      );
      await connection.invoke('UnsubscribeProduct', products[1]);
      await connection.invoke('SubscribeProduct', randomUUID());
      await expect(connection.invoke('SubscribeProduct', randomUUID())).rejects.toThrow('at most 5 products');
      expect(connection.state).toBe('Connected');
    } finally {
      await connection.stop();
    }
    // Another connection has its own allowance.
    const other = await connect();
    try {
      for (let i = 0; i < 5; i++) await other.invoke('SubscribeProduct', randomUUID());
    } finally {
      await other.stop();
    }
  });

  it('asks the inventory about an unknown product once per window, whoever subscribes', async () => {
    const [first, second] = [await connect(), await connect()];
    try {
      const unknown = randomUUID();
      const firstSaw = record(first, 'StockChanged');
      await first.invoke('SubscribeProduct', unknown);
      await second.invoke('SubscribeProduct', unknown);
      await first.invoke('UnsubscribeProduct', unknown);
      await first.invoke('SubscribeProduct', unknown);
      expect(stockReads).toEqual([`/internal/stock/${unknown}`]);
      expect(firstSaw).toEqual([]);
      // Once the window passed, the inventory is asked again: the product may exist by now.
      await new Promise((resolve) => setTimeout(resolve, 450));
      await second.invoke('SubscribeProduct', unknown);
      expect(stockReads).toHaveLength(2);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  });
});
