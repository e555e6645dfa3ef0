import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { HubRestSender, HubSendError, hubSenderFrom } from '../../src/hub/hub-sender';
import { EmbeddedBus } from '../../src/mesh/embedded';

describe('shop_hub_sends_total: sends to the hub, by outcome', () => {
  let server: Server;
  let answer = 202;
  let origin: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.statusCode = answer;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('counts what the hub took as sent and what it refused as failed, and still throws the failure', async () => {
    const metrics = new Registry();
    const sender = hubSenderFrom(
      { HUB_ACCESS_KEY: 'a-hub-access-key-for-tests' },
      { mesh: new EmbeddedBus().meshFor('notifications'), origin: () => origin, metrics, name: 'notifications' },
    );
    if (!sender) throw new Error('no sender for the embedded topology');
    const message = { target: 'Notify', arguments: [] };

    answer = 202;
    await sender.send({ hub: 'notifications', user: 'u1' }, message);
    answer = 500;
    await expect(sender.send({ hub: 'notifications' }, message)).rejects.toBeInstanceOf(HubSendError);

    const text = await metrics.metrics();
    expect(text).toContain('shop_hub_sends_total{service="notifications",hub="notifications",outcome="sent"} 1');
    expect(text).toContain('shop_hub_sends_total{service="notifications",hub="notifications",outcome="failed"} 1');
  });

  it('is the plain sender when no metrics are given (a test or a tool)', () => {
    const sender = hubSenderFrom(
      { HUB_ACCESS_KEY: 'a-hub-access-key-for-tests' },
      { mesh: new EmbeddedBus().meshFor('notifications'), origin: () => origin },
    );
    expect(sender).toBeInstanceOf(HubRestSender);
  });
});
