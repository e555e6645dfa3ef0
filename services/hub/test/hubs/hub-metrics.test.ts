import { randomUUID } from 'node:crypto';
import { hubClient, nextInvocation } from '@shop/signalr/test/support/clients';
import { eventually } from '@shop/testkit/src/eventually';
import { type HubPlatform, startHubPlatform } from '../support/hub-platform';

let shop: HubPlatform;

beforeAll(async () => {
  shop = await startHubPlatform();
});
afterAll(() => shop.stop());

const scrape = async () => (await fetch(`${shop.url}/metrics`)).text();
const counter = (text: string, name: string) =>
  Number(new RegExp(`^${name}\\{hub="inventory"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);

describe('the hub metrics in Prometheus', () => {
  it('counts connections by hub and transport, messages both ways, and times sends by scope', async () => {
    const connections = [
      hubClient(`${shop.url}/hubs/inventory`),
      hubClient(`${shop.url}/hubs/inventory`, { transport: 'LongPolling' }),
    ];
    await Promise.all(connections.map((connection) => connection.start()));
    try {
      const before = await scrape();
      expect(before).toContain('signalr_connections{hub="inventory",transport="WebSockets"} 1');
      expect(before).toContain('signalr_connections{hub="inventory",transport="LongPolling"} 1');
      const productId = await shop.productWithStock(3);
      const [subscriber] = connections;
      const current = nextInvocation(subscriber as (typeof connections)[0], 'StockChanged');
      await subscriber?.invoke('SubscribeProduct', productId);
      await current;
      const changed = nextInvocation(subscriber as (typeof connections)[0], 'StockChanged');
      await shop.adjust(productId, 1);
      await changed;
      const after = await scrape();
      // The subscription in; the current stock, its completion and the change out.
      expect(counter(after, 'signalr_messages_received_total')).toBeGreaterThanOrEqual(
        counter(before, 'signalr_messages_received_total') + 1,
      );
      expect(counter(after, 'signalr_messages_sent_total')).toBeGreaterThanOrEqual(
        counter(before, 'signalr_messages_sent_total') + 3,
      );
      expect(after).toMatch(/signalr_send_duration_seconds_count\{hub="inventory",scope="group"\} [1-9]/);
    } finally {
      await Promise.all(connections.map((connection) => connection.stop()));
    }
    await eventually(async () =>
      expect(await scrape()).toContain('signalr_connections{hub="inventory",transport="WebSockets"} 0'),
    );
  });

  it('counts each hub apart', async () => {
    const connection = hubClient(`${shop.url}/hubs/orders`, { token: shop.customerToken(randomUUID()) });
    await connection.start();
    try {
      expect(await scrape()).toContain('signalr_connections{hub="orders",transport="WebSockets"} 1');
    } finally {
      await connection.stop();
    }
  });
});
