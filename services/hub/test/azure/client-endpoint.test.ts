import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HubConnection } from '@microsoft/signalr';
import { hubClient, nextInvocation, record, type TransportName } from '@shop/signalr/test/support/clients';
import { eventually } from '@shop/testkit/src/eventually';
import WebSocket from 'ws';
import { clientToken, rest, restToken } from '../support/azure-clients';
import { type HubPlatform, startHubPlatform } from '../support/hub-platform';

// Azure SignalR's client endpoint (/client/?hub=): service-issued tokens, the redirect negotiate of serverless apps.

let shop: HubPlatform;
const open: HubConnection[] = [];

beforeAll(async () => {
  shop = await startHubPlatform();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((connection) => connection.stop()));
});
afterAll(() => shop.stop());

const hubName = () => `room${randomUUID().replace(/-/g, '').slice(0, 12)}`;

async function started(connection: HubConnection): Promise<HubConnection> {
  await connection.start();
  open.push(connection);
  return connection;
}

const negotiate = (query: string, token?: string) =>
  fetch(`${shop.url}/client/negotiate?${query}`, {
    method: 'POST',
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });

describe('negotiate at /client/negotiate', () => {
  it('needs a token issued for that hub', async () => {
    const hub = hubName();
    const none = await negotiate(`hub=${hub}&negotiateVersion=1`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await negotiate(`hub=${hub}&negotiateVersion=1`, clientToken(shop.url, 'otherhub'))).status).toBe(401);
    expect((await negotiate(`hub=${hub}`, restToken(`${shop.url}/api/v1/hubs/${hub}`))).status).toBe(401);
    expect(
      (await negotiate(`hub=${hub}`, clientToken(shop.url, hub, { key: 'some-other-access-key-0000' }))).status,
    ).toBe(401);
    const granted = await negotiate(
      `hub=${hub.toUpperCase()}&negotiateVersion=1&asrs.op=%2Fclient%2F`,
      clientToken(shop.url, hub),
    );
    expect(granted.status).toBe(200);
    expect(await granted.json()).toEqual(
      expect.objectContaining({
        negotiateVersion: 1,
        connectionId: expect.any(String),
        connectionToken: expect.any(String),
      }),
    );
  });

  it('answers 400 naming query.hub when the hub is missing or malformed', async () => {
    for (const query of ['negotiateVersion=1', 'hub=1abc', 'hub=']) {
      const res = await negotiate(query, clientToken(shop.url, 'x'));
      expect(res.status).toBe(400);
      expect(((await res.json()) as { errors: Array<{ path: string }> }).errors).toEqual([
        expect.objectContaining({ path: 'query.hub' }),
      ]);
    }
  });

  it('answers preflights without a token', async () => {
    const res = await fetch(`${shop.url}/client/negotiate?hub=${hubName()}`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-headers': 'authorization' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example');
  });
});

describe('an app server answering negotiate with a redirect to the hub', () => {
  let app: Server;
  let appUrl: string;
  const hub = hubName();

  beforeAll(async () => {
    // What an Azure Function or an app server's negotiate answers a serverless client.
    app = createServer((req, res) => {
      const user = new URL(req.url ?? '/', 'http://app').searchParams.get('user') ?? undefined;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          url: `${shop.url}/client/?hub=${hub}`,
          accessToken: clientToken(shop.url, hub, user ? { userId: user } : {}),
        }),
      );
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/app`;
  });
  afterAll(() => new Promise<void>((resolve) => app.close(() => resolve())));

  it.each<TransportName>(['WebSockets', 'ServerSentEvents', 'LongPolling'])(
    'brings the stock client over %s to the hub, where REST sends reach it',
    async (transport) => {
      const client = await started(hubClient(`${appUrl}?user=ada-${transport}`, { transport }));
      const heard = record(client, 'Note');
      const sends = [
        [`/api/v1/hubs/${hub}`, 'all'],
        [`/api/v1/hubs/${hub}/users/ada-${transport}`, 'user'],
        [`/api/v1/hubs/${hub}/connections/${client.connectionId}`, 'connection'],
      ];
      for (const [path, text] of sends) {
        expect(
          (await rest(shop.url, 'POST', path as string, { body: { target: 'Note', arguments: [text] } })).status,
        ).toBe(202);
      }
      await eventually(() => expect(heard).toEqual([['all'], ['user'], ['connection']]));
    },
  );
});

describe('tokens the client endpoint takes', () => {
  it("takes Dapr clientNegotiate's token: an audience array with the port, the user in sub, no iat", async () => {
    const hub = hubName();
    const now = Math.floor(Date.now() / 1000);
    const token = restToken('', {
      audience: [`${shop.url}/client/?hub=${hub}`],
      claims: { sub: 'dapr-user', iat: undefined },
    });
    const claims = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString());
    expect(claims).toEqual({ aud: [`${shop.url}/client/?hub=${hub}`], exp: expect.any(Number), sub: 'dapr-user' });
    expect(claims.exp).toBeGreaterThan(now);
    const client = await started(hubClient(`${shop.url}/client/?hub=${hub}`, { token }));
    const next = nextInvocation(client, 'Note');
    await rest(shop.url, 'POST', `/api/hubs/${hub}/users/dapr-user/:send?api-version=2022-11-01`, {
      body: { target: 'Note', arguments: ['via sub'] },
    });
    expect(await next).toEqual(['via sub']);
  });

  it('takes the token from access_token on a WebSocket without negotiate (skipNegotiation)', async () => {
    const hub = hubName();
    const token = clientToken(shop.url, hub, { userId: 'raw' });
    const socket = new WebSocket(`${shop.url.replace('http', 'ws')}/client/?hub=${hub}&access_token=${token}`);
    const frames: string[] = [];
    socket.on('message', (data) => frames.push(data.toString()));
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    socket.send('{"protocol":"json","version":1}\u001e');
    await eventually(() => expect(frames.join('')).toContain('{}\u001e'));
    await rest(shop.url, 'POST', `/api/v1/hubs/${hub}/users/raw`, { body: { target: 'Note', arguments: [1] } });
    await eventually(() => expect(frames.join('')).toContain('{"type":1,"target":"Note","arguments":[1]}\u001e'));
    socket.close(1000);
    const refused = new WebSocket(`${shop.url.replace('http', 'ws')}/client/?hub=${hubName()}`);
    const status = await new Promise<number | undefined>((resolve) => {
      refused.once('unexpected-response', (_req, res) => resolve(res.statusCode));
      refused.once('error', () => resolve(undefined));
    });
    expect(status).toBe(401);
  });

  it("keeps a connection to its user: another user's token cannot use it", async () => {
    const hub = hubName();
    const token = clientToken(shop.url, hub, { userId: 'owner' });
    const negotiated = (await (await negotiate(`hub=${hub}&negotiateVersion=1`, token)).json()) as {
      connectionToken: string;
    };
    const poll = await fetch(`${shop.url}/client/?hub=${hub}&id=${negotiated.connectionToken}`, {
      headers: { authorization: `Bearer ${clientToken(shop.url, hub, { userId: 'intruder' })}` },
    });
    expect(poll.status).toBe(403);
  });
});

describe("the shop's hubs through the client endpoint", () => {
  it('keeps the inventory hub methods: SubscribeProduct, then StockChanged', async () => {
    const productId = await shop.productWithStock(6);
    const client = await started(
      hubClient(`${shop.url}/client/?hub=inventory`, { token: clientToken(shop.url, 'inventory') }),
    );
    const seen = record(client, 'StockChanged');
    await client.invoke('SubscribeProduct', productId);
    await shop.adjust(productId, -1);
    await eventually(() => expect(seen.map(([levels]) => (levels as { onHand: number }).onHand)).toEqual([6, 5]));
  });

  it('tells a customer connected with an access-key token about their order', async () => {
    const customerId = randomUUID();
    const client = await started(
      hubClient(`${shop.url}/client/?hub=orders`, {
        token: clientToken(shop.url, 'orders', { userId: customerId }),
        transport: 'LongPolling',
      }),
    );
    const next = nextInvocation(client, 'OrderStatusChanged');
    const orderId = randomUUID();
    await shop.orderStatus('orders.order-paid', { orderId, customerId, status: 'Paid', at: new Date().toISOString() });
    expect(await next).toEqual([expect.objectContaining({ orderId, status: 'Paid' })]);
  });

  it('answers an invocation on a serverless hub with a completion error, and keeps the connection', async () => {
    const hub = hubName();
    const client = await started(hubClient(`${shop.url}/client/?hub=${hub}`, { token: clientToken(shop.url, hub) }));
    await expect(client.invoke('Anything', 1)).rejects.toThrow(/Anything/);
    expect(client.state).toBe('Connected');
  });
});

describe('serverless hubs per replica', () => {
  it('are limited by HUB_MAX_SERVERLESS_HUBS: one more is 429', async () => {
    const small = await startHubPlatform({ HUB_MAX_SERVERLESS_HUBS: '1' }, { inventory: false });
    try {
      const first = hubClient(`${small.url}/client/?hub=first`, { token: clientToken(small.url, 'first') });
      await first.start();
      await first.stop();
      const res = await fetch(`${small.url}/client/negotiate?hub=second&negotiateVersion=1`, {
        method: 'POST',
        headers: { authorization: `Bearer ${clientToken(small.url, 'second')}` },
      });
      expect(res.status).toBe(429);
      const inventory = hubClient(`${small.url}/client/?hub=inventory`, {
        token: clientToken(small.url, 'inventory'),
        transport: 'LongPolling',
      });
      await inventory.start();
      await inventory.stop();
    } finally {
      await small.stop();
    }
  });
});
