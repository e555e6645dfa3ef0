import { randomUUID } from 'node:crypto';
import {
  hubClient,
  nextInvocation,
  type ProtocolName,
  record,
  type TransportName,
} from '@shop/signalr/test/support/clients';
import { eventually } from '@shop/testkit/src/eventually';
import { endSession } from '@shop/testkit/src/jwt-fixture';
import jwt from 'jsonwebtoken';
import { rest } from '../support/azure-clients';
import { type HubPlatform, startHubPlatform } from '../support/hub-platform';

// The notifications service reaches a customer as an application reaches Azure SignalR Service: a REST "send to
// user" on hub `notifications`, signed with the access key. These tests are that caller.

let shop: HubPlatform;
const sessionCheckSeconds = 1;

beforeAll(async () => {
  shop = await startHubPlatform({ SESSION_CHECK_SECONDS: String(sessionCheckSeconds) }, { inventory: false });
});
afterAll(() => shop.stop());

function notification(orderId?: string) {
  return {
    id: randomUUID(),
    type: orderId ? 'OrderShipped' : 'Welcome',
    title: orderId ? `Order ${orderId} shipped` : 'Welcome',
    body: 'Tracking number 1Z999AA10123456784',
    ...(orderId ? { orderId } : {}),
    createdAt: new Date().toISOString(),
  };
}

describe('the notifications hub', () => {
  it('refuses negotiate and the stock client without a valid access token', async () => {
    const none = await fetch(`${shop.url}/hubs/notifications/negotiate?negotiateVersion=1`, { method: 'POST' });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    await expect(hubClient(`${shop.url}/hubs/notifications`).start()).rejects.toThrow(/401/);
  });

  it.each<[TransportName, ProtocolName]>([
    ['WebSockets', 'json'],
    ['WebSockets', 'messagepack'],
    ['ServerSentEvents', 'json'],
    ['LongPolling', 'messagepack'],
  ])(
    'delivers a REST send to user to every connection of that customer over %s (%s), and to nobody else',
    async (transport, protocol) => {
      const [ada, grace] = [randomUUID(), randomUUID()];
      const url = `${shop.url}/hubs/notifications`;
      const adaPhone = hubClient(url, { transport, protocol, token: shop.customerToken(ada) });
      const adaLaptop = hubClient(url, { token: shop.customerToken(ada) });
      const graceClient = hubClient(url, { transport, protocol, token: shop.customerToken(grace) });
      await Promise.all([adaPhone.start(), adaLaptop.start(), graceClient.start()]);
      try {
        const graceHeard = record(graceClient, 'Notification');
        const [onPhone, onLaptop] = [
          nextInvocation(adaPhone, 'Notification'),
          nextInvocation(adaLaptop, 'Notification'),
        ];
        const sent = notification(randomUUID());
        const res = await rest(shop.url, 'POST', `/api/v1/hubs/notifications/users/${ada}`, {
          body: { target: 'Notification', arguments: [sent] },
        });
        expect(res.status).toBe(202);
        expect(await onPhone).toEqual([sent]);
        expect(await onLaptop).toEqual([sent]);
        // The same send to the other user reaches her, so silence above was not slowness.
        const hers = notification();
        const heard = nextInvocation(graceClient, 'Notification');
        await rest(shop.url, 'POST', `/api/hubs/notifications/users/${grace}/:send?api-version=2022-06-01`, {
          body: { target: 'Notification', arguments: [hers] },
        });
        expect(await heard).toEqual([hers]);
        expect(graceHeard).toEqual([[hers]]);
      } finally {
        await Promise.all([adaPhone.stop(), adaLaptop.stop(), graceClient.stop()]);
      }
    },
  );

  it('refuses a send to user without a valid access-key token', async () => {
    const customer = randomUUID();
    const path = `/api/v1/hubs/notifications/users/${customer}`;
    const client = hubClient(`${shop.url}/hubs/notifications`, { token: shop.customerToken(customer) });
    await client.start();
    try {
      const heard = record(client, 'Notification');
      const body = { target: 'Notification', arguments: [notification()] };
      expect((await rest(shop.url, 'POST', path, { body, token: null })).status).toBe(401);
      // A customer's access token is no access key.
      expect((await rest(shop.url, 'POST', path, { body, token: shop.customerToken(customer) })).status).toBe(401);
      expect((await rest(shop.url, 'GET', `/api/v1/hubs/notifications/users/${customer}`)).status).toBe(200);
      expect(heard).toEqual([]);
    } finally {
      await client.stop();
    }
  });

  it('closes the connections of a login that ended', async () => {
    const token = shop.customerToken(randomUUID());
    const client = hubClient(`${shop.url}/hubs/notifications`, { token });
    await client.start();
    try {
      const closed = new Promise<Error | undefined>((resolve) => client.onclose(resolve));
      endSession((jwt.decode(token) as { sid: string }).sid);
      expect((await closed)?.message).toContain('The login has ended.');
      await eventually(() => expect(client.state).toBe('Disconnected'));
    } finally {
      await client.stop();
    }
  });
});
