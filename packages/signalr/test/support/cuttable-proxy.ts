import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a server whose connections the test can cut at once, as a network drop would: both
 * ends are destroyed, no closing handshake on either side.
 */
export async function startCuttableProxy(targetPort: number) {
  const pairs = new Set<[Socket, Socket]>();
  let accepted = 0;
  let stalled = false;
  const server: Server = createServer((client) => {
    accepted++;
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    client.pipe(upstream);
    // What the server sends is dropped while stalled: lost in the network, as far as either end can tell.
    upstream.on('data', (chunk: Buffer) => {
      if (!stalled) client.write(chunk);
    });
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    get accepted() {
      return accepted;
    },
    /** From now on, drops what servers send on the connections open now, until they are cut. */
    stall(): void {
      stalled = true;
    },
    /** Drops every connection that is open now. */
    cut(): void {
      stalled = false;
      for (const [client, upstream] of [...pairs]) {
        client.resetAndDestroy();
        upstream.resetAndDestroy();
      }
      pairs.clear();
    },
    close(): Promise<void> {
      for (const [client, upstream] of pairs) {
        client.destroy();
        upstream.destroy();
      }
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
