import type { HubConnection } from '@microsoft/signalr';
import { eventually } from '@shop/testkit/src/eventually';
import { jsonHubProtocol, messagePackHubProtocol } from '../src';
import { combinations, hubClient, record } from './support/clients';
import { type ProtocolServer, startProtocolServer } from './support/protocol-server';
import { negotiate, RawWebSocket, recordSeparator } from './support/raw-websocket';

let server: ProtocolServer;

beforeAll(async () => {
  server = await startProtocolServer({ maxBufferedBytes: 256 * 1024, keepAliveIntervalMs: 60_000 });
});
afterAll(() => server.stop());

const endpoint = () => {
  const found = server.hubs.endpoint('/hubs/test');
  if (!found) throw new Error('no test hub');
  return found;
};

async function connectAll(perCombination: number): Promise<HubConnection[]> {
  const connections: HubConnection[] = [];
  for (const { transport, protocol } of combinations) {
    for (let index = 0; index < perCombination; index++) {
      const connection = hubClient(`${server.url}/hubs/test`, { transport, protocol });
      await connection.start();
      connections.push(connection);
    }
  }
  return connections;
}

describe('fan-out', () => {
  it('serialises a message once per protocol, however many connections receive it', async () => {
    const connections = await connectAll(6);
    const received = connections.map((connection) => record(connection, 'Broadcast'));
    const json = jest.spyOn(jsonHubProtocol, 'write');
    const messagePack = jest.spyOn(messagePackHubProtocol, 'write');
    try {
      await endpoint().clients.all.send('Broadcast', { sku: 'MUG-1', available: 3 });
      expect(json).toHaveBeenCalledTimes(1);
      expect(messagePack).toHaveBeenCalledTimes(1);
      await eventually(() => {
        for (const seen of received) expect(seen).toEqual([[{ sku: 'MUG-1', available: 3 }]]);
      });
    } finally {
      json.mockRestore();
      messagePack.mockRestore();
      await Promise.all(connections.map((connection) => connection.stop()));
    }
  });

  it('closes a client that stops reading instead of buffering for it without bound', async () => {
    const { connectionToken, connectionId } = await negotiate(`${server.url}/hubs/test`);
    const slow = await RawWebSocket.open(`${server.url}/hubs/test?id=${connectionToken}`);
    slow.sendText(`{"protocol":"json","version":1}${recordSeparator}`);
    await slow.next();
    slow.socket.pause();
    const healthy = hubClient(`${server.url}/hubs/test`);
    await healthy.start();
    const healthyHeard = record(healthy, 'Broadcast');
    try {
      const payload = 'x'.repeat(32 * 1024);
      let sent = 0;
      // The kernel's socket buffers take a few megabytes first; past them the server's own buffer grows.
      while ((await endpoint().lifetime.connectionExists(connectionId)) && sent < 2_000) {
        await endpoint().clients.all.send('Broadcast', payload);
        sent++;
        if (sent % 20 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      expect(await endpoint().lifetime.connectionExists(connectionId)).toBe(false);
      await eventually(() => expect(healthyHeard).toHaveLength(sent), 20_000);
    } finally {
      slow.terminate();
      await healthy.stop();
    }
  });
});

describe('metrics', () => {
  it('reports connections by transport, messages both ways and the time of each send to its metrics port', async () => {
    const stats = server.metrics.of('test');
    const connections = await connectAll(1);
    try {
      for (const transport of ['WebSockets', 'ServerSentEvents', 'LongPolling'] as const) {
        const expected = combinations.filter((combination) => combination.transport === transport).length;
        expect(stats.connections[transport]).toBe(expected);
      }
      const [receivedBefore, sentBefore, sendsBefore] = [
        stats.messagesReceived,
        stats.messagesSent,
        server.metrics.sends.length,
      ];
      await (connections[0] as HubConnection).invoke('Broadcast', 'hello');
      // One invocation in; the broadcast to every connection and one completion out.
      expect(stats.messagesReceived).toBeGreaterThanOrEqual(receivedBefore + 1);
      expect(stats.messagesSent).toBeGreaterThanOrEqual(sentBefore + connections.length + 1);
      expect(server.metrics.sends.slice(sendsBefore)).toEqual([
        { hub: 'test', scope: 'all', seconds: expect.any(Number) },
      ]);
    } finally {
      await Promise.all(connections.map((connection) => connection.stop()));
    }
    await eventually(() => expect(stats.connections).toEqual({ WebSockets: 0, ServerSentEvents: 0, LongPolling: 0 }));
  });
});
