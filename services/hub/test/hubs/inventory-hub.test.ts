import { randomUUID } from 'node:crypto';
import type { HubConnection } from '@microsoft/signalr';
import { combinations, hubClient, nextInvocation, record } from '@shop/signalr/test/support/clients';
import { eventually } from '@shop/testkit/src/eventually';
import { type HubPlatform, startHubPlatform } from '../support/hub-platform';

let shop: HubPlatform;

beforeAll(async () => {
  shop = await startHubPlatform();
});
afterAll(() => shop.stop());

const isoDate = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);

describe.each(combinations)('the inventory hub over $transport with $protocol', ({ transport, protocol }) => {
  let connection: HubConnection;

  beforeEach(async () => {
    connection = hubClient(`${shop.url}/hubs/inventory`, { transport, protocol });
    await connection.start();
  });
  afterEach(() => connection.stop());

  it('tells a subscriber the current stock at once, then every change', async () => {
    const productId = await shop.productWithStock(12);
    const current = nextInvocation(connection, 'StockChanged');
    await connection.invoke('SubscribeProduct', productId);
    expect(await current).toEqual([
      { productId, onHand: 12, reserved: 0, available: 12, at: isoDate, version: expect.any(Number) },
    ]);
    const changed = nextInvocation(connection, 'StockChanged');
    await shop.adjust(productId, -5);
    const [levels] = (await changed) as [Record<string, unknown>];
    expect(levels).toEqual(expect.objectContaining({ productId, onHand: 7, reserved: 0, available: 7, at: isoDate }));
  });

  it('answers a product id that is not a UUID with an invocation error, and stays connected', async () => {
    await expect(connection.invoke('SubscribeProduct', 'mug')).rejects.toThrow(
      "An unexpected error occurred invoking 'SubscribeProduct' on the server. HubException: productId must be a UUID",
    );
    await expect(connection.invoke('SubscribeProduct', 42)).rejects.toThrow('productId must be a UUID');
    await expect(connection.invoke('SubscribeProduct')).rejects.toThrow('expects 1');
    const productId = await shop.productWithStock(1);
    const current = nextInvocation(connection, 'StockChanged');
    await connection.invoke('SubscribeProduct', productId);
    expect(await current).toEqual([expect.objectContaining({ productId, available: 1 })]);
  });
});

describe('stock subscriptions', () => {
  const connect = async () => {
    const connection = hubClient(`${shop.url}/hubs/inventory`);
    await connection.start();
    return connection;
  };

  it('reaches the subscribers of that product only, until they unsubscribe', async () => {
    const [watcher, other] = [await connect(), await connect()];
    try {
      const [mug, kettle] = [await shop.productWithStock(5), await shop.productWithStock(5)];
      const watcherSaw = record(watcher, 'StockChanged');
      const otherSaw = record(other, 'StockChanged');
      await watcher.invoke('SubscribeProduct', mug);
      await other.invoke('SubscribeProduct', kettle);
      await shop.adjust(mug, 3);
      await eventually(() =>
        expect(watcherSaw.map(([levels]) => (levels as { onHand: number }).onHand)).toEqual([5, 8]),
      );
      await watcher.invoke('UnsubscribeProduct', mug);
      await shop.adjust(mug, 1);
      await shop.adjust(kettle, 1);
      await eventually(() => expect(otherSaw.map(([levels]) => (levels as { onHand: number }).onHand)).toEqual([5, 6]));
      expect(watcherSaw).toHaveLength(2);
      expect(otherSaw.every(([levels]) => (levels as { productId: string }).productId === kettle)).toBe(true);
    } finally {
      await Promise.all([watcher.stop(), other.stop()]);
    }
  });

  it('never sends an older state after a newer one, nor the same event twice', async () => {
    const watcher = await connect();
    try {
      const productId = await shop.productWithStock(10);
      const seen = record(watcher, 'StockChanged');
      await watcher.invoke('SubscribeProduct', productId);
      await eventually(() => expect(seen).toHaveLength(1));
      const { version } = (seen[0] as [{ version: number }])[0];
      const at = new Date().toISOString();
      const newer = { productId, onHand: 30, reserved: 0, available: 30, version: version + 2, at };
      const older = { productId, onHand: 20, reserved: 0, available: 20, version: version + 1, at };
      // The newer one overtakes the older: it waits for it, then both go out in order.
      const event = await shop.stockChanged(newer);
      await shop.stockChanged(newer, event.id);
      await shop.stockChanged(older);
      // A late copy of the older one, under another event id, is not sent after the newer.
      await shop.stockChanged(older);
      await watcher.invoke('UnsubscribeProduct', productId);
      expect(seen.map(([levels]) => (levels as { onHand: number }).onHand)).toEqual([10, 20, 30]);
    } finally {
      await watcher.stop();
    }
  });

  it('reads the current stock from the inventory for a product it has no event of', async () => {
    // The hub remembers one product, so the first of two is forgotten by the time a client subscribes.
    const forgetful = await startHubPlatform({ HUB_STOCK_CACHE_ENTRIES: '1' });
    const watcher = hubClient(`${forgetful.url}/hubs/inventory`);
    await watcher.start();
    try {
      const first = await forgetful.productWithStock(4);
      await forgetful.productWithStock(9);
      await forgetful.adjust(first, 2);
      await forgetful.productWithStock(1);
      const seen = record(watcher, 'StockChanged');
      await watcher.invoke('SubscribeProduct', first);
      // From the inventory's versioned read: created (1), adjusted (2).
      await eventually(() =>
        expect(seen).toEqual([[{ productId: first, onHand: 6, reserved: 0, available: 6, at: isoDate, version: 2 }]]),
      );
      // The part-1 gap: an event older than that read, delivered late, is not shown over it.
      const at = new Date().toISOString();
      await forgetful.stockChanged({ productId: first, onHand: 4, reserved: 0, available: 4, version: 1, at });
      await forgetful.stockChanged({ productId: first, onHand: 6, reserved: 0, available: 6, version: 2, at });
      await forgetful.stockChanged({ productId: first, onHand: 11, reserved: 0, available: 11, version: 3, at });
      await eventually(() => expect(seen.map(([levels]) => (levels as { onHand: number }).onHand)).toEqual([6, 11]));
      await watcher.invoke('UnsubscribeProduct', first);
      expect(seen).toHaveLength(2);
    } finally {
      await watcher.stop();
      await forgetful.stop();
    }
  });

  it('subscribes to a product the inventory does not know yet without sending anything', async () => {
    const watcher = await connect();
    try {
      const seen = record(watcher, 'StockChanged');
      await watcher.invoke('SubscribeProduct', randomUUID());
      expect(await watcher.invoke('SubscribeProduct', 'not-a-uuid').catch(() => 'refused')).toBe('refused');
      expect(seen).toEqual([]);
    } finally {
      await watcher.stop();
    }
  });

  it('gives a client that resubscribes after reconnecting the stock it missed', async () => {
    const productId = await shop.productWithStock(3);
    const first = await connect();
    await first.invoke('SubscribeProduct', productId);
    await first.stop();
    await shop.adjust(productId, 4);
    const again = await connect();
    try {
      const current = nextInvocation(again, 'StockChanged');
      await again.invoke('SubscribeProduct', productId);
      expect(await current).toEqual([expect.objectContaining({ productId, onHand: 7, available: 7 })]);
    } finally {
      await again.stop();
    }
  });
});
