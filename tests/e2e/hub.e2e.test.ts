import {
  HttpTransportType,
  type HubConnection,
  HubConnectionBuilder,
  type IHubProtocol,
  LogLevel,
} from '@microsoft/signalr';
import { MessagePackHubProtocol } from '@microsoft/signalr-protocol-msgpack';
import { json } from '@shop/testkit/src/listen';
import jwt from 'jsonwebtoken';
import { adminToken, bearer, newCustomer, postJson } from './support/accounts';
import { appUrls, baseUrl } from './support/base-url';
import { eventually } from './support/eventually';
import { orderReaching, payment, productWithStock, shippingAddress } from './support/shop';

// Black-box, against CONTRACT.md "Realtime hub": the stock @microsoft/signalr client against the platform origin,
// so on the Dapr topology every transport also crosses the gateway.

interface StockChanged {
  productId: string;
  onHand: number;
  reserved: number;
  available: number;
  at: string;
}

interface OrderStatusChanged {
  orderId: string;
  status: string;
  at: string;
}

function connect(
  hub: string,
  options: { transport?: HttpTransportType; protocol?: IHubProtocol; token?: string } = {},
): HubConnection {
  const token = options.token;
  const builder = new HubConnectionBuilder()
    .withUrl(`${baseUrl()}/hubs/${hub}`, {
      transport: options.transport ?? HttpTransportType.WebSockets,
      ...(token ? { accessTokenFactory: () => token } : {}),
    })
    .configureLogging(LogLevel.None);
  return (options.protocol ? builder.withHubProtocol(options.protocol) : builder).build();
}

/** Every payload of `target` the client receives, in order. */
function received<T>(connection: HubConnection, target: string): T[] {
  const seen: T[] = [];
  connection.on(target, (payload: T) => seen.push(payload));
  return seen;
}

async function adjust(productId: string, delta: number): Promise<void> {
  const res = await postJson(
    `/api/inventory/${productId}/adjustments`,
    { delta, reason: 'hub e2e' },
    bearer(await adminToken()),
  );
  if (res.status !== 200) throw new Error(`adjustment answered ${res.status}: ${await res.text()}`);
}

describe('the inventory hub (anonymous)', () => {
  it.each([
    ['WebSockets', 'JSON', HttpTransportType.WebSockets, undefined],
    ['WebSockets', 'MessagePack', HttpTransportType.WebSockets, new MessagePackHubProtocol()],
    ['Server-Sent Events', 'JSON', HttpTransportType.ServerSentEvents, undefined],
    ['long polling', 'MessagePack', HttpTransportType.LongPolling, new MessagePackHubProtocol()],
  ])(
    'over %s with %s: the current stock on subscribe, then StockChanged when an admin adjusts it',
    async (_transportName, _protocolName, transport, protocol) => {
      const productId = await productWithStock(8);
      const client = connect('inventory', { transport, ...(protocol ? { protocol } : {}) });
      await client.start();
      try {
        const changes = received<StockChanged>(client, 'StockChanged');
        await client.invoke('SubscribeProduct', productId);
        await eventually(async () =>
          expect(changes[0]).toEqual(expect.objectContaining({ productId, onHand: 8, available: 8 })),
        );
        expect(changes[0]?.at).toMatch(/^\d{4}-\d\d-\d\dT/);
        await adjust(productId, -3);
        await eventually(async () =>
          expect(changes.at(-1)).toEqual(
            expect.objectContaining({ productId, onHand: 5, reserved: 0, available: 5, at: expect.any(String) }),
          ),
        );
        // Never an older state after a newer one.
        const onHand = changes.map((change) => change.onHand);
        expect(onHand.slice(onHand.indexOf(5)).every((value) => value === 5)).toBe(true);
      } finally {
        await client.stop();
      }
    },
  );

  it('answers a product id that is not a UUID with an invocation error and keeps the connection', async () => {
    const client = connect('inventory');
    await client.start();
    try {
      await expect(client.invoke('SubscribeProduct', 'brass-telescope')).rejects.toThrow('productId must be a UUID');
      const productId = await productWithStock(1);
      const changes = received<StockChanged>(client, 'StockChanged');
      await client.invoke('SubscribeProduct', productId);
      await eventually(async () => expect(changes[0]).toEqual(expect.objectContaining({ productId, available: 1 })));
    } finally {
      await client.stop();
    }
  });
});

/**
 * A fresh buyer and a bystander connected to a customer hub (the bystander over long polling), each recording
 * `target`; the buyer's order placed and Paid; then `check` with what each heard. Both connections stop afterwards.
 */
async function paidOrderOverHub<T>(
  hub: 'orders' | 'notifications',
  target: string,
  check: (paid: {
    orderId: string;
    buyer: Awaited<ReturnType<typeof newCustomer>>;
    buyerHeard: T[];
    bystanderHeard: T[];
  }) => Promise<void>,
): Promise<void> {
  const [buyer, bystander] = [await newCustomer('Ada Buyer'), await newCustomer('Grace Bystander')];
  const buyerClient = connect(hub, { token: buyer.accessToken });
  const bystanderClient = connect(hub, { token: bystander.accessToken, transport: HttpTransportType.LongPolling });
  await Promise.all([buyerClient.start(), bystanderClient.start()]);
  try {
    const buyerHeard = received<T>(buyerClient, target);
    const bystanderHeard = received<T>(bystanderClient, target);
    const productId = await productWithStock(3);
    const res = await postJson(
      '/api/orders',
      { items: [{ productId, quantity: 1 }], shippingAddress, payment: payment() },
      bearer(buyer.accessToken),
    );
    expect(res.status).toBe(202);
    const { id: orderId } = await json(res);
    await orderReaching(orderId, buyer.accessToken, ['Paid']);
    await check({ orderId, buyer, buyerHeard, bystanderHeard });
  } finally {
    await Promise.all([buyerClient.stop(), bystanderClient.stop()]);
  }
}

describe('the orders hub (customers)', () => {
  it('refuses negotiate without an access token', async () => {
    const res = await fetch(`${baseUrl()}/hubs/orders/negotiate?negotiateVersion=1`, { method: 'POST' });
    expect(res.status).toBe(401);
    await expect(connect('orders').start()).rejects.toThrow(/401/);
  });

  it('tells a customer their order reached Paid, and tells another customer nothing of it', async () => {
    await paidOrderOverHub<OrderStatusChanged>('orders', 'OrderStatusChanged', async (paid) => {
      await eventually(async () =>
        expect(paid.buyerHeard).toContainEqual({
          orderId: paid.orderId,
          status: 'Paid',
          at: expect.stringMatching(/^\d{4}-/),
        }),
      );
      expect(paid.buyerHeard.every((message) => message.orderId === paid.orderId)).toBe(true);
      expect(paid.bystanderHeard.filter((message) => message.orderId === paid.orderId)).toEqual([]);
    });
  });
});

interface NotificationMessage {
  id: string;
  type: string;
  title: string;
  body: string;
  orderId?: string;
  createdAt: string;
}

describe('the notifications hub (customers)', () => {
  it('refuses negotiate without an access token', async () => {
    const res = await fetch(`${baseUrl()}/hubs/notifications/negotiate?negotiateVersion=1`, { method: 'POST' });
    expect(res.status).toBe(401);
    await expect(connect('notifications').start()).rejects.toThrow(/401/);
  });

  it('pushes a customer the confirmation of their paid order as listed, and another customer nothing', async () => {
    await paidOrderOverHub<NotificationMessage>('notifications', 'Notification', async (paid) => {
      const pushed = await eventually(async () => {
        const confirmation = paid.buyerHeard.find((message) => message.type === 'OrderConfirmed');
        if (!confirmation) throw new Error('no OrderConfirmed pushed yet');
        return confirmation;
      });
      expect(pushed).toEqual(
        expect.objectContaining({ orderId: paid.orderId, title: expect.stringContaining(paid.orderId) }),
      );
      const listed = await json(
        await fetch(`${baseUrl()}/api/notifications`, { headers: bearer(paid.buyer.accessToken) }),
      );
      expect(listed.items).toContainEqual({ ...pushed, readAt: null });
      expect(paid.bystanderHeard.filter((message) => message.orderId === paid.orderId)).toEqual([]);
    });
  });
});

// The Azure SignalR Service REST API on the platform's own port (CONTRACT.md, Local run defaults), with tokens made
// from the connection string `Endpoint=<origin>;AccessKey=<HUB_ACCESS_KEY>;Version=1.0;`: the key is the
// documented development default unless the run sets HUB_ACCESS_KEY (services/hub/README.md). The compose topology
// keeps it off its origin, as Kubernetes does: there the endpoint is the hub's own address, as its callers inside use.
describe('the Azure SignalR REST API', () => {
  const accessKey = process.env.HUB_ACCESS_KEY ?? 'shop-development-hub-access-key-0123456789';
  const connection = `Endpoint=${appUrls()?.hub ?? baseUrl()};AccessKey=${accessKey};Version=1.0;`;
  const fromConnectionString = (name: string) => new RegExp(`${name}=([^;]+);`).exec(connection)?.[1] as string;
  const token = (audience: string, claims: Record<string, unknown> = {}) =>
    jwt.sign({ aud: audience, ...claims }, fromConnectionString('AccessKey'), { algorithm: 'HS256', expiresIn: 300 });
  const post = (path: string, body: unknown, bearerToken?: string) =>
    fetch(`${fromConnectionString('Endpoint')}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(bearerToken ? { authorization: `Bearer ${bearerToken}` } : {}),
      },
      body: JSON.stringify(body),
    });

  it('sends through POST /api/v1/hubs/{hub} to a client connected at /client/?hub=, and refuses a send without a token', async () => {
    const endpoint = fromConnectionString('Endpoint');
    const hub = `e2e${Date.now().toString(36)}`;
    const client = new HubConnectionBuilder()
      .withUrl(`${endpoint}/client/?hub=${hub}`, {
        accessTokenFactory: () => token(`${endpoint}/client/?hub=${hub}`, { nameid: 'e2e-user' }),
      })
      .configureLogging(LogLevel.None)
      .build();
    await client.start();
    try {
      const heard = received<unknown>(client, 'Note');
      const path = `/api/v1/hubs/${hub}`;
      expect((await post(path, { target: 'Note', arguments: ['no token'] })).status).toBe(401);
      expect((await post(path, { target: 'Note', arguments: ['to all'] }, token(`${endpoint}${path}`))).status).toBe(
        202,
      );
      const userPath = `/api/hubs/${hub}/users/e2e-user/:send?api-version=2022-06-01`;
      expect(
        (await post(userPath, { target: 'Note', arguments: ['to the user'] }, token(`${endpoint}${userPath}`))).status,
      ).toBe(202);
      await eventually(async () => expect(heard).toEqual(['to all', 'to the user']));
    } finally {
      await client.stop();
    }
  });

  it("reaches the inventory hub's clients at /hubs/inventory", async () => {
    const client = connect('inventory', { transport: HttpTransportType.ServerSentEvents });
    await client.start();
    try {
      const heard = received<unknown>(client, 'Announcement');
      const path = '/api/hubs/inventory/:send?api-version=2022-06-01';
      const endpoint = fromConnectionString('Endpoint');
      expect(
        (await post(path, { Target: 'Announcement', Arguments: ['restocked'] }, token(`${endpoint}${path}`))).status,
      ).toBe(202);
      await eventually(async () => expect(heard).toEqual(['restocked']));
    } finally {
      await client.stop();
    }
  });
});
