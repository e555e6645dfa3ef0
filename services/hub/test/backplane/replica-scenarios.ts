import { randomUUID } from 'node:crypto';
import type { HubConnection } from '@microsoft/signalr';
import { hubClient, record } from '@shop/signalr/test/support/clients';
import { eventually } from '@shop/testkit/src/eventually';
import { azureClient, rest } from '../support/azure-clients';
import type { HubPlatform } from '../support/hub-platform';
import type { ReplicaPair } from '../support/replica-pair';

/**
 * What two hub replicas behind a backplane must do, whatever carries it (the in-process network, Redis): every
 * send reaches every replica's connections exactly once, and questions about connections, groups and users are
 * answered for the connections of both.
 */
export function describeReplicaPair(start: () => Promise<ReplicaPair>): void {
  let pair: ReplicaPair;
  const open: HubConnection[] = [];
  const v = 'api-version=2022-06-01';

  beforeAll(async () => {
    pair = await start();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((connection) => connection.stop()));
  });
  afterAll(() => pair.stop());

  const hubName = () => `pair${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const connect = async (replica: HubPlatform, hub: string, userId?: string) => {
    const connection = azureClient(replica.url, hub, userId ? { userId } : {});
    await connection.start();
    open.push(connection);
    return connection;
  };
  /** Settles what is in flight, so that "exactly once" is not judged too early. */
  const settled = () => new Promise((resolve) => setTimeout(resolve, 150));

  it('delivers a REST send to all, a group, a user and a connection on either replica, exactly once', async () => {
    const hub = hubName();
    const onA = await connect(pair.a, hub, 'ada');
    const onB = await connect(pair.b, hub, 'ada');
    const [heardA, heardB] = [record(onA, 'Note'), record(onB, 'Note')];
    expect(
      (await rest(pair.a.url, 'PUT', `/api/hubs/${hub}/groups/g/connections/${onB.connectionId}?${v}`)).status,
    ).toBe(200);
    const sends: Array<[HubPlatform, string, string]> = [
      [pair.a, `/api/hubs/${hub}/:send?${v}`, 'all from a'],
      [pair.b, `/api/v1/hubs/${hub}`, 'all from b'],
      [pair.a, `/api/hubs/${hub}/groups/g/:send?${v}`, 'group from a'],
      [pair.b, `/api/hubs/${hub}/users/ada/:send?${v}`, 'user from b'],
      [pair.a, `/api/hubs/${hub}/connections/${onB.connectionId}/:send?${v}`, 'b connection from a'],
      [pair.b, `/api/hubs/${hub}/connections/${onA.connectionId}/:send?${v}`, 'a connection from b'],
      [pair.a, `/api/hubs/${hub}/:send?${v}&excluded=${onB.connectionId}`, 'all but b'],
    ];
    for (const [replica, path, text] of sends) {
      expect((await rest(replica.url, 'POST', path, { body: { target: 'Note', arguments: [text] } })).status).toBe(202);
    }
    await eventually(() => {
      expect(heardA.flat().sort()).toEqual([
        'a connection from b',
        'all but b',
        'all from a',
        'all from b',
        'user from b',
      ]);
      expect(heardB.flat().sort()).toEqual([
        'all from a',
        'all from b',
        'b connection from a',
        'group from a',
        'user from b',
      ]);
    });
    await settled();
    expect(heardA).toHaveLength(5);
    expect(heardB).toHaveLength(5);
  });

  it('delivers a stock event Dapr handed to one replica to the subscribers on both, once, and a redelivery to the other not again', async () => {
    const productId = await pair.a.productWithStock(10);
    const [onA, onB] = [
      hubClient(`${pair.a.url}/hubs/inventory`),
      hubClient(`${pair.b.url}/hubs/inventory`, { transport: 'ServerSentEvents' }),
    ];
    await Promise.all([onA.start(), onB.start()]);
    open.push(onA, onB);
    const [seenA, seenB] = [record(onA, 'StockChanged'), record(onB, 'StockChanged')];
    await onA.invoke('SubscribeProduct', productId);
    await onB.invoke('SubscribeProduct', productId);
    const onHand = (seen: unknown[][]) => seen.map(([levels]) => (levels as { onHand: number }).onHand);
    await eventually(() => expect([onHand(seenA), onHand(seenB)]).toEqual([[10], [10]]));
    await pair.a.adjust(productId, -4);
    await eventually(() =>
      expect([onHand(seenA), onHand(seenB)]).toEqual([
        [10, 6],
        [10, 6],
      ]),
    );
    const { version } = (seenA[1] as [{ version: number }])[0];
    const at = new Date().toISOString();
    const next = { productId, onHand: 9, reserved: 0, available: 9, version: version + 1, at };
    const event = await pair.b.stockChanged(next);
    await pair.a.stockChanged(next, event.id);
    await eventually(() =>
      expect([onHand(seenA), onHand(seenB)]).toEqual([
        [10, 6, 9],
        [10, 6, 9],
      ]),
    );
    await settled();
    expect([seenA.length, seenB.length]).toEqual([3, 3]);
  });

  it("delivers an order status event to the customer's connections on both replicas", async () => {
    const customerId = randomUUID();
    const [onA, onB] = [
      hubClient(`${pair.a.url}/hubs/orders`, { token: pair.a.customerToken(customerId) }),
      hubClient(`${pair.b.url}/hubs/orders`, { token: pair.b.customerToken(customerId), transport: 'LongPolling' }),
    ];
    await Promise.all([onA.start(), onB.start()]);
    open.push(onA, onB);
    const [seenA, seenB] = [record(onA, 'OrderStatusChanged'), record(onB, 'OrderStatusChanged')];
    const orderId = randomUUID();
    await pair.b.orderStatus('orders.order-paid', {
      orderId,
      customerId,
      status: 'Paid',
      at: new Date().toISOString(),
    });
    await eventually(() => expect([seenA.length, seenB.length]).toEqual([1, 1]));
    expect(seenB[0]).toEqual([expect.objectContaining({ orderId, status: 'Paid' })]);
  });

  it("answers existence checks and group changes for the other replica's connections", async () => {
    const hub = hubName();
    const onB = await connect(pair.b, hub, 'grace');
    const heard = record(onB, 'Note');
    const id = onB.connectionId as string;
    const status = async (method: string, path: string) => (await rest(pair.a.url, method, path)).status;
    expect(await status('HEAD', `/api/hubs/${hub}/connections/${id}?${v}`)).toBe(200);
    expect(await status('HEAD', `/api/hubs/${hub}/connections/nobody?${v}`)).toBe(404);
    expect(await status('GET', `/api/hubs/${hub}/users/grace?${v}`)).toBe(200);
    expect(await status('GET', `/api/hubs/${hub}/groups/blue?${v}`)).toBe(404);
    expect(await status('PUT', `/api/hubs/${hub}/groups/blue/connections/${id}?${v}`)).toBe(200);
    expect(await status('GET', `/api/hubs/${hub}/groups/blue?${v}`)).toBe(200);
    await rest(pair.a.url, 'POST', `/api/hubs/${hub}/groups/blue/:send?${v}`, {
      body: { target: 'Note', arguments: ['blue'] },
    });
    await eventually(() => expect(heard).toEqual([['blue']]));
    expect(await status('DELETE', `/api/hubs/${hub}/connections/${id}/groups?${v}`)).toBe(200);
    expect(await status('GET', `/api/hubs/${hub}/groups/blue?${v}`)).toBe(404);
    const closed = new Promise<Error | undefined>((resolve) => onB.onclose(resolve));
    expect(await status('DELETE', `/api/hubs/${hub}/connections/${id}?${v}&reason=moved`)).toBe(200);
    expect(String(await closed)).toContain('moved');
    await eventually(async () => expect(await status('HEAD', `/api/hubs/${hub}/connections/${id}?${v}`)).toBe(404));
    expect(await status('PUT', `/api/hubs/${hub}/groups/blue/connections/${id}?${v}`)).toBe(404);
  });

  it("puts a user's connections on both replicas, now and later, in a group added on one", async () => {
    const hub = hubName();
    const now = await connect(pair.b, hub, 'linus');
    const heardNow = record(now, 'Note');
    expect((await rest(pair.a.url, 'PUT', `/api/hubs/${hub}/users/linus/groups/ops?${v}`)).status).toBe(200);
    expect((await rest(pair.b.url, 'HEAD', `/api/hubs/${hub}/users/linus/groups/ops?${v}`)).status).toBe(200);
    const later = await connect(pair.a, hub, 'linus');
    const heardLater = record(later, 'Note');
    // A connection joins its user's groups as it connects, reading the shared store after the handshake (as ASP.NET
    // Core joins them after its handshake): group sends go on until the later connection hears one, and every one of
    // them reaches the connection that was in the group all along, once.
    let sends = 0;
    await eventually(async () => {
      sends += 1;
      await rest(pair.b.url, 'POST', `/api/hubs/${hub}/groups/ops/:send?${v}`, {
        body: { target: 'Note', arguments: ['ops'] },
      });
      await settled();
      expect(heardLater.length).toBeGreaterThan(0);
    });
    await eventually(() => expect(heardNow).toEqual(Array.from({ length: sends }, () => ['ops'])));
    expect(heardLater.every((args) => args[0] === 'ops')).toBe(true);
    const heardLaterBefore = heardLater.length;
    expect((await rest(pair.b.url, 'DELETE', `/api/hubs/${hub}/users/linus/groups/ops?${v}`)).status).toBe(204);
    await rest(pair.a.url, 'POST', `/api/hubs/${hub}/groups/ops/:send?${v}`, {
      body: { target: 'Note', arguments: ['gone'] },
    });
    await settled();
    expect(heardNow).toHaveLength(sends);
    expect(heardLater).toHaveLength(heardLaterBefore);
  });

  it('closes the connections of both replicas with one call', async () => {
    const hub = hubName();
    const [onA, onB] = [await connect(pair.a, hub), await connect(pair.b, hub)];
    const ended = [onA, onB].map((connection) => new Promise((resolve) => connection.onclose(resolve)));
    expect((await rest(pair.b.url, 'POST', `/api/hubs/${hub}/:closeConnections?${v}&reason=closing`)).status).toBe(204);
    await Promise.all(ended);
  });
}
