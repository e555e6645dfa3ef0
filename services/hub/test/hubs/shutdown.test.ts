import { hubClient, type TransportName } from '@shop/signalr/test/support/clients';
import { eventually } from '@shop/testkit/src/eventually';
import { startHubPlatform } from '../support/hub-platform';

describe('a hub shutting down', () => {
  it('tells every client to reconnect, on every transport, and does not wait out the grace period', async () => {
    const shop = await startHubPlatform({ SHUTDOWN_GRACE_MS: '10000' });
    const transports: TransportName[] = ['WebSockets', 'ServerSentEvents', 'LongPolling'];
    const clients = transports.map((transport) =>
      hubClient(`${shop.url}/hubs/inventory`, { transport, automaticReconnect: true }),
    );
    const reconnecting = new Set<TransportName>();
    clients.forEach((client, index) => {
      client.onreconnecting(() => reconnecting.add(transports[index] as TransportName));
    });
    await Promise.all(clients.map((client) => client.start()));
    try {
      const startedAt = Date.now();
      await shop.stop();
      expect(Date.now() - startedAt).toBeLessThan(5_000);
      await eventually(() => expect([...reconnecting].sort()).toEqual([...transports].sort()), 5_000);
    } finally {
      await Promise.all(clients.map((client) => client.stop()));
    }
  });
});
