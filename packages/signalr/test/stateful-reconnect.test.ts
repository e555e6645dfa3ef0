import { HubConnectionState } from '@microsoft/signalr';
import { eventually } from '@shop/testkit/src/eventually';
import { hubClient, type ProtocolName } from './support/clients';
import { startCuttableProxy } from './support/cuttable-proxy';
import { type ProtocolServer, startProtocolServer } from './support/protocol-server';

let server: ProtocolServer;
let proxy: Awaited<ReturnType<typeof startCuttableProxy>>;

beforeAll(async () => {
  server = await startProtocolServer({ disconnectTimeoutMs: 5_000 });
  proxy = await startCuttableProxy(Number(new URL(server.url).port));
});
afterAll(async () => {
  await proxy.close();
  await server.stop();
});

describe.each<ProtocolName>(['json', 'messagepack'])('stateful reconnect over WebSockets with %s', (protocol) => {
  it('resumes a stream cut mid-way on a new socket, losing and repeating nothing, both ways', async () => {
    const connection = hubClient(`${proxy.url}/hubs/test`, {
      transport: 'WebSockets',
      protocol,
      statefulReconnect: true,
    });
    const states: string[] = [];
    connection.onreconnecting(() => states.push('reconnecting'));
    connection.onclose(() => states.push('closed'));
    await connection.start();
    try {
      const items: number[] = [];
      const done = new Promise<void>((resolve, reject) => {
        connection.stream<number>('Counter', 150, 5).subscribe({
          next: (item) => items.push(item),
          complete: resolve,
          error: reject,
        });
      });
      await eventually(() => expect(items.length).toBeGreaterThan(20), 10_000);
      const socketsBefore = proxy.accepted;
      // Items written while stalled reach nobody: only the replay on the new socket can deliver them.
      proxy.stall();
      const seenBeforeStall = items.length;
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(items.length - seenBeforeStall).toBeLessThanOrEqual(1);
      proxy.cut();
      // Sent while the socket is down: the client buffers it and replays it on the new socket.
      const sum = connection.invoke('Add', 40, 2);
      await done;
      expect(await sum).toBe(42);
      expect(items).toEqual(Array.from({ length: 150 }, (_, index) => index));
      expect(proxy.accepted).toBeGreaterThan(socketsBefore);
      // Stateful reconnect is below the hub connection: no reconnecting, no close, the same connection id.
      expect(states).toEqual([]);
      expect(connection.state).toBe(HubConnectionState.Connected);
    } finally {
      await connection.stop();
    }
  });

  it('keeps the connection and its groups across the drop', async () => {
    const connection = hubClient(`${proxy.url}/hubs/test`, {
      transport: 'WebSockets',
      protocol,
      statefulReconnect: true,
    });
    await connection.start();
    const sender = hubClient(`${server.url}/hubs/test`);
    await sender.start();
    try {
      const heard: string[] = [];
      connection.on('Group', (_group: string, text: string) => heard.push(text));
      await connection.invoke('JoinGroup', `resume-${protocol}`);
      const id = connection.connectionId as string;
      proxy.stall();
      // Sent to the group while the network loses it: kept for the client and replayed after the drop.
      await sender.invoke('SendToGroup', `resume-${protocol}`, 'while away');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(heard).toEqual([]);
      proxy.cut();
      await eventually(() => expect(heard).toEqual(['while away']), 10_000);
      await sender.invoke('SendToGroup', `resume-${protocol}`, 'after');
      await eventually(() => expect(heard).toEqual(['while away', 'after']), 10_000);
      expect(connection.connectionId).toBe(id);
    } finally {
      await Promise.all([connection.stop(), sender.stop()]);
    }
  });
});

it('does not resume a connection that did not negotiate stateful reconnect', async () => {
  const connection = hubClient(`${proxy.url}/hubs/test`, { transport: 'WebSockets' });
  const closed = new Promise<Error | undefined>((resolve) => connection.onclose(resolve));
  await connection.start();
  const id = connection.connectionId as string;
  proxy.cut();
  expect(await closed).toBeInstanceOf(Error);
  await eventually(async () =>
    expect(await server.hubs.endpoint('/hubs/test')?.lifetime.connectionExists(id)).toBe(false),
  );
});
