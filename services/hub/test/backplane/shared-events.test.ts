import { eventually } from '@shop/testkit/src/eventually';
import { Backplane, BackplaneUnavailableError } from '../../src/backplane/backplane';
import type { BackplaneTransport } from '../../src/backplane/backplane-transport';
import { InProcessBackplaneNetwork } from '../../src/backplane/in-process-backplane';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** A replica's backplane with a `stock` feed that records what it applied, and waits for `gate` while applying. */
async function replica(transport: BackplaneTransport, applied: string[], gate?: Promise<void>) {
  const backplane = new Backplane(transport, { prefix: 'shared-events', log: quiet });
  backplane.feed<string>('stock', async (event) => {
    await gate;
    applied.push(event);
  });
  await backplane.start();
  return backplane;
}

describe('an event Dapr handed to one hub replica', () => {
  it('reaches the other replicas while the replica that received it is still applying it to its own connections', async () => {
    const network = new InProcessBackplaneNetwork();
    let open = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const onA: string[] = [];
    const onB: string[] = [];
    const a = await replica(network.join(), onA, gate);
    const b = await replica(network.join(), onB);
    try {
      const shared = a.share('stock', 'v1');
      // A sends to thousands of its connections in one go; B must not wait for that to start its own.
      await eventually(() => expect(onB).toEqual(['v1']), 2_000);
      expect(onA).toEqual([]);
      open();
      await shared;
      expect(onA).toEqual(['v1']);
      expect(onB).toEqual(['v1']);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it('still reaches the connections of that replica when the bus cannot take it, and is refused for a redelivery', async () => {
    const transport = new InProcessBackplaneNetwork().join();
    const away: BackplaneTransport = {
      ...transport,
      shared: true,
      publish: () => Promise.reject(new Error('connection refused')),
    };
    const applied: string[] = [];
    const a = await replica(away, applied);
    try {
      await expect(a.share('stock', 'v1')).rejects.toBeInstanceOf(BackplaneUnavailableError);
      expect(applied).toEqual(['v1']);
    } finally {
      await a.stop();
    }
  });
});
