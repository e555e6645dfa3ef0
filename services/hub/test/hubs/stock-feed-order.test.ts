import type { StockChanged } from '@shop/contracts';
import { createLogger, type Mesh } from '@shop/kit';
import type { HubClients } from '@shop/signalr';
import { type StockChangedMessage, StockFeed } from '../../src/hubs/stock-feed';

/**
 * Events reach the hub replicas by different paths (Dapr hands each to one replica, the backplane brings it to
 * the others), so a later version can overtake an earlier one. Subscribers still get every change, in order.
 */
function feedSendingTo(sent: number[], reorderWindowMs = 100): StockFeed {
  const feed = new StockFeed({
    mesh: {} as Mesh,
    log: createLogger({ name: 'test', level: 'fatal' }),
    capacity: 100,
    reorderWindowMs,
  });
  const group = {
    send: async (_target: string, message: StockChangedMessage) => void sent.push(message.version),
  };
  feed.attach({ group: () => group } as unknown as HubClients);
  return feed;
}

const productId = '0b7c6b9e-6a63-4c55-9a41-0d8d5d1e6a11';
const change = (version: number): StockChanged => ({
  productId,
  onHand: 100 - version,
  reserved: 0,
  available: 100 - version,
  version,
  at: new Date().toISOString(),
});

describe('stock changes that overtake each other', () => {
  it('are sent in version order, every one of them', async () => {
    const sent: number[] = [];
    const feed = feedSendingTo(sent);
    await feed.changed(change(1));
    await feed.changed(change(3));
    await feed.changed(change(4));
    expect(sent).toEqual([1]);
    await feed.changed(change(2));
    expect(sent).toEqual([1, 2, 3, 4]);
  });

  it('drop what is older than what was sent, duplicates included', async () => {
    const sent: number[] = [];
    const feed = feedSendingTo(sent);
    await feed.changed(change(5));
    await feed.changed(change(5));
    await feed.changed(change(4));
    await feed.changed(change(6));
    expect(sent).toEqual([5, 6]);
  });

  it('go out after the reorder window when a version never comes', async () => {
    const sent: number[] = [];
    const feed = feedSendingTo(sent, 50);
    await feed.changed(change(1));
    await feed.changed(change(4));
    await feed.changed(change(3));
    expect(sent).toEqual([1]);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(sent).toEqual([1, 3, 4]);
    await feed.changed(change(2));
    expect(sent).toEqual([1, 3, 4]);
  });
});
