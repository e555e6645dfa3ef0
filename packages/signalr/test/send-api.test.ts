import { randomUUID } from 'node:crypto';
import type { HubConnection } from '@microsoft/signalr';
import { eventually } from '@shop/testkit/src/eventually';
import { hubClient, nextInvocation, record } from './support/clients';
import { type ProtocolServer, startProtocolServer } from './support/protocol-server';

// The server-side send API as the platform (and the Azure REST API next) uses it, from outside any hub method.

let server: ProtocolServer;

beforeAll(async () => {
  server = await startProtocolServer();
});
afterAll(() => server.stop());

const privateHub = () => {
  const endpoint = server.hubs.endpoint('/hubs/private');
  if (!endpoint) throw new Error('no private hub');
  return endpoint;
};

async function userConnection(userId: string): Promise<HubConnection> {
  const connection = hubClient(`${server.url}/hubs/private`, { token: server.tokenFor(userId) });
  await connection.start();
  return connection;
}

describe('the send API', () => {
  it('reaches all, all but some, one connection, several users', async () => {
    const [ada, grace, linus] = [randomUUID(), randomUUID(), randomUUID()];
    const connections = [await userConnection(ada), await userConnection(grace), await userConnection(linus)];
    const [adaHeard, graceHeard, linusHeard] = connections.map((connection) => record(connection, 'Note'));
    const ids = connections.map((connection) => connection.connectionId as string);
    try {
      const { clients } = privateHub();
      await clients.all.send('Note', 'all');
      await clients.allExcept([ids[0] as string]).send('Note', 'all but Ada');
      await clients.client(ids[2] as string).send('Note', 'Linus only');
      await clients.users([ada, grace]).send('Note', 'Ada and Grace');
      await clients.clients([ids[1] as string, ids[1] as string]).send('Note', 'Grace once');
      await eventually(() => {
        expect(adaHeard).toEqual([['all'], ['Ada and Grace']]);
        expect(graceHeard).toEqual([['all'], ['all but Ada'], ['Ada and Grace'], ['Grace once']]);
        expect(linusHeard).toEqual([['all'], ['all but Ada'], ['Linus only']]);
      });
    } finally {
      await Promise.all(connections.map((connection) => connection.stop()));
    }
  });

  it('manages group membership from outside the hub, once per connection across several groups', async () => {
    const connection = await userConnection(randomUUID());
    const heard = record(connection, 'Note');
    const id = connection.connectionId as string;
    const { lifetime, clients } = privateHub();
    try {
      const [red, blue] = [`red-${randomUUID()}`, `blue-${randomUUID()}`];
      expect(await lifetime.groupExists(red)).toBe(false);
      expect(await lifetime.addToGroup(id, red)).toBe(true);
      expect(await lifetime.addToGroup(id, blue)).toBe(true);
      expect(await lifetime.addToGroup('no-such-connection', red)).toBe(false);
      expect(await lifetime.groupExists(red)).toBe(true);
      await clients.groups([red, blue]).send('Note', 'to both groups');
      await clients.groupExcept(red, [id]).send('Note', 'excluded');
      await lifetime.removeFromAllGroups(id);
      expect(await lifetime.groupExists(red)).toBe(false);
      await clients.group(blue).send('Note', 'after leaving');
      await connection.invoke('Echo', 'round trip');
      expect(heard).toEqual([['to both groups']]);
    } finally {
      await connection.stop();
    }
  });

  it('checks users and connections, and closes a connection telling its client why', async () => {
    const userId = randomUUID();
    const connection = await userConnection(userId);
    const id = connection.connectionId as string;
    const { lifetime } = privateHub();
    const closed = new Promise<Error | undefined>((resolve) => connection.onclose(resolve));
    expect(await lifetime.userExists(userId)).toBe(true);
    expect(await lifetime.connectionExists(id)).toBe(true);
    expect(await lifetime.closeConnection(id, { error: 'moved to another region' })).toBe(true);
    expect((await closed)?.message).toBe('Server returned an error on close: moved to another region');
    expect(await lifetime.userExists(userId)).toBe(false);
    expect(await lifetime.connectionExists(id)).toBe(false);
    expect(await lifetime.closeConnection(id)).toBe(false);
  });

  it('asks a client for a result', async () => {
    const connection = await userConnection(randomUUID());
    try {
      connection.on('Confirm', (question: string) => question === 'ready?');
      expect(
        await privateHub()
          .clients.client(connection.connectionId as string)
          .invoke('Confirm', 'ready?'),
      ).toBe(true);
      const missing = privateHub()
        .clients.client(connection.connectionId as string)
        .invoke('NoHandler');
      await expect(missing).rejects.toThrow("Client didn't provide a result.");
    } finally {
      await connection.stop();
    }
  });

  it('tells a client with automatic reconnect to reconnect when closed with allowReconnect', async () => {
    const connection = hubClient(`${server.url}/hubs/test`, { automaticReconnect: true });
    await connection.start();
    try {
      const reconnected = new Promise<string | undefined>((resolve) => connection.onreconnected(resolve));
      const first = connection.connectionId as string;
      await server.hubs.endpoint('/hubs/test')?.lifetime.closeConnection(first, { allowReconnect: true });
      const second = await reconnected;
      expect(second).toBeDefined();
      expect(second).not.toBe(first);
      const echoed = nextInvocation(connection, 'Broadcast');
      await connection.invoke('Broadcast', 'back');
      expect(await echoed).toEqual(['back']);
    } finally {
      await connection.stop();
    }
  });
});
