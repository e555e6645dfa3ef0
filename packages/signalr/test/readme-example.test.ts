import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type HubDefinition, HubServer } from '../src';
import { hubClient, nextInvocation } from './support/clients';

// The README's usage example, as written there (but on a free port): it must keep working.
describe('the README example', () => {
  it('serves a hub with one method on node:http to the stock client', async () => {
    const chat: HubDefinition = {
      name: 'chat',
      methods: {
        Send: {
          parameters: 2,
          async invoke(call, user, text) {
            await call.clients.all.send('ReceiveMessage', user, text);
          },
        },
      },
    };

    const hubs = new HubServer({ log: { debug() {}, info() {}, warn() {}, error: console.error } });
    hubs.mapHub('/hubs/chat', { hub: chat });

    const server = createServer(async (req, res) => {
      if (await hubs.handle(req, res)) return;
      res.writeHead(404).end();
    });
    server.on('upgrade', (req, socket, head) => hubs.handleUpgrade(req, socket, head));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    hubs.start();

    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = hubClient(`${url}/hubs/chat`);
    try {
      await client.start();
      const received = nextInvocation(client, 'ReceiveMessage');
      await client.invoke('Send', 'ada', 'hello');
      expect(await received).toEqual(['ada', 'hello']);
      expect((await fetch(`${url}/elsewhere`)).status).toBe(404);
    } finally {
      await client.stop();
      await hubs.stop();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
