import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closedLoop, DeliveryWindow } from './dapr-ceiling-load';

describe('the closed loop that sends', () => {
  it('hands every operation its own sequence numbers, with none skipped', async () => {
    const firsts: number[] = [];
    const outcome = await closedLoop({ concurrency: 4, seconds: 0.2, messagesPerOperation: 3 }, async (first) => {
      firsts.push(first);
      await new Promise((resolve) => setImmediate(resolve));
    });
    firsts.sort((a, b) => a - b);
    expect(firsts).toEqual(Array.from({ length: firsts.length }, (_, i) => i * 3));
    expect(outcome.sent).toBe(firsts.length * 3);
    expect(outcome.completed).toBe(outcome.sent);
    expect(outcome.failures).toBe(0);
  });

  it('counts a failed operation and keeps the first failure', async () => {
    const outcome = await closedLoop({ concurrency: 2, seconds: 0.1, messagesPerOperation: 1 }, async (first) => {
      await new Promise((resolve) => setImmediate(resolve));
      if (first % 2 === 1) throw new Error(`lost ${first}`);
    });
    expect(outcome.failures).toBeGreaterThan(0);
    expect(outcome.firstFailure).toMatch(/^lost \d+$/);
    expect(outcome.completed + outcome.failures).toBe(outcome.sent);
  });
});

describe('the delivery window', () => {
  let server: Server;
  let received = 0;
  let url = '';
  beforeAll(async () => {
    server = createServer((_req, res) => res.end(JSON.stringify({ distinct: received })));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/receipts/run`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('holds every sender once the subscriber is a window behind', async () => {
    received = 0;
    const outcome = await closedLoop(
      { concurrency: 8, seconds: 0.5, messagesPerOperation: 1, window: new DeliveryWindow([url], 5) },
      async () => {},
    );
    expect(outcome.sent).toBe(5);
  });

  it('lets the senders on as the subscriber catches up', async () => {
    received = 0;
    const window = new DeliveryWindow([url, url], 5);
    const catchingUp = setInterval(() => {
      received += 5;
    }, 20);
    try {
      const outcome = await closedLoop(
        { concurrency: 8, seconds: 0.5, messagesPerOperation: 1, window },
        async () => {},
      );
      expect(outcome.sent).toBeGreaterThan(5);
      expect(outcome.sent).toBeLessThanOrEqual(received + 5);
    } finally {
      clearInterval(catchingUp);
    }
  });
});
