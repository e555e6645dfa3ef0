import { randomUUID } from 'node:crypto';
import { HubConnectionState, Subject } from '@microsoft/signalr';
import { eventually } from '@shop/testkit/src/eventually';
import { collectStream, combinations, hubClient, nextInvocation } from './support/clients';
import { type ProtocolServer, startProtocolServer } from './support/protocol-server';

let server: ProtocolServer;

beforeAll(async () => {
  server = await startProtocolServer();
});
afterAll(() => server.stop());

describe.each(combinations)('the stock JS client over $transport with $protocol', ({ transport, protocol }) => {
  const connect = async (options: { token?: string; path?: string } = {}) => {
    const connection = hubClient(`${server.url}${options.path ?? '/hubs/test'}`, {
      transport,
      protocol,
      ...(options.token ? { token: options.token } : {}),
    });
    await connection.start();
    return connection;
  };

  it('connects and answers an invocation with its result', async () => {
    const connection = await connect();
    try {
      expect(connection.state).toBe(HubConnectionState.Connected);
      expect(await connection.invoke('Add', 2, 3)).toBe(5);
      expect(await connection.invoke('Echo', { name: 'Ada', tags: ['a', 'b'], nested: { n: 1.5 } })).toEqual({
        name: 'Ada',
        tags: ['a', 'b'],
        nested: { n: 1.5 },
      });
      expect(await connection.invoke('Nothing')).toBeUndefined();
      // Method names match case-insensitively, as in ASP.NET Core.
      expect(await connection.invoke('echo', 'lower')).toBe('lower');
    } finally {
      await connection.stop();
    }
  });

  it('fails the invocation, and only the invocation, when the method throws', async () => {
    const connection = await connect();
    try {
      await expect(connection.invoke('Fail', 'no such product')).rejects.toThrow(
        "An unexpected error occurred invoking 'Fail' on the server. HubException: no such product",
      );
      await expect(connection.invoke('Crash')).rejects.toThrow(
        /^An unexpected error occurred invoking 'Crash' on the server\.$/,
      );
      await expect(connection.invoke('Missing')).rejects.toThrow("Unknown hub method 'Missing'");
      await expect(connection.invoke('Add', 1)).rejects.toThrow(
        'Invocation provides 1 argument(s) but target expects 2.',
      );
      expect(await connection.invoke('Add', 1, 1)).toBe(2);
      expect(connection.state).toBe(HubConnectionState.Connected);
    } finally {
      await connection.stop();
    }
  });

  it('streams from the server until the stream completes, and reports a failing stream', async () => {
    const connection = await connect();
    try {
      expect(await collectStream<number>(connection, 'Counter', 5, 1)).toEqual([0, 1, 2, 3, 4]);
      await expect(collectStream(connection, 'FailingStream')).rejects.toThrow('HubException: the stream broke');
      await expect(connection.invoke('Counter', 1, 0)).rejects.toThrow(
        "The client attempted to invoke the streaming 'Counter' method with a non-streaming invocation.",
      );
    } finally {
      await connection.stop();
    }
  });

  it('stops a stream the client cancels', async () => {
    const connection = await connect();
    try {
      const items: number[] = [];
      const subscription = connection.stream<number>('Counter', 1_000, 20).subscribe({
        next: (item) => items.push(item),
        complete: () => {},
        error: () => {},
      });
      await eventually(() => expect(items.length).toBeGreaterThanOrEqual(3));
      subscription.dispose();
      const seen = items.length;
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(items.length).toBeLessThanOrEqual(seen + 1);
      expect(await connection.invoke('Add', 20, 22)).toBe(42);
    } finally {
      await connection.stop();
    }
  });

  it('takes a stream from the client', async () => {
    const connection = await connect();
    try {
      const numbers = new Subject<number>();
      const total = connection.invoke('Sum', numbers);
      for (const value of [1, 2, 3, 4]) numbers.next(value);
      numbers.complete();
      expect(await total).toBe(10);
    } finally {
      await connection.stop();
    }
  });

  it('sends to a group its members only, until they leave', async () => {
    const [member, outsider] = [await connect(), await connect()];
    const group = `group-${randomUUID()}`;
    try {
      await member.invoke('JoinGroup', group);
      let outsiderHeard = false;
      outsider.on('Group', () => {
        outsiderHeard = true;
      });
      const heard = nextInvocation(member, 'Group');
      await outsider.invoke('SendToGroup', group, 'hello members');
      expect(await heard).toEqual([group, 'hello members']);
      await member.invoke('LeaveGroup', group);
      let memberHeardAgain = false;
      member.on('Group', () => {
        memberHeardAgain = true;
      });
      await outsider.invoke('SendToGroup', group, 'anyone?');
      await member.invoke('Echo', 'round trip');
      expect(memberHeardAgain).toBe(false);
      expect(outsiderHeard).toBe(false);
    } finally {
      await Promise.all([member.stop(), outsider.stop()]);
    }
  });

  it("sends to a user's connections, identified by the token's subject", async () => {
    const ada = randomUUID();
    const grace = randomUUID();
    const [adaFirst, adaSecond, graceConnection] = [
      await connect({ path: '/hubs/private', token: server.tokenFor(ada) }),
      await connect({ path: '/hubs/private', token: server.tokenFor(ada) }),
      await connect({ path: '/hubs/private', token: server.tokenFor(grace) }),
    ];
    try {
      expect(await adaFirst.invoke('Whoami')).toBe(ada);
      let graceHeard = false;
      graceConnection.on('User', () => {
        graceHeard = true;
      });
      const first = nextInvocation(adaFirst, 'User');
      const second = nextInvocation(adaSecond, 'User');
      await graceConnection.invoke('SendToUser', ada, 'for Ada only');
      expect(await first).toEqual(['for Ada only']);
      expect(await second).toEqual(['for Ada only']);
      await graceConnection.invoke('Echo', 'round trip');
      expect(graceHeard).toBe(false);
    } finally {
      await Promise.all([adaFirst.stop(), adaSecond.stop(), graceConnection.stop()]);
    }
  });

  it('answers a server-to-client invocation with the client result', async () => {
    const connection = await connect();
    try {
      connection.on('Answer', (question: string) => `answer to ${question}`);
      expect(await connection.invoke('AskCaller', 'life')).toBe('answer to life');
    } finally {
      await connection.stop();
    }
  });
});

describe('authentication', () => {
  it('refuses negotiate without a valid token on a hub that needs one', async () => {
    const none = await fetch(`${server.url}/hubs/private/negotiate?negotiateVersion=1`, { method: 'POST' });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const forged = await fetch(`${server.url}/hubs/private/negotiate?negotiateVersion=1`, {
      method: 'POST',
      headers: { authorization: 'Bearer not.a.token' },
    });
    expect(forged.status).toBe(401);
    const client = hubClient(`${server.url}/hubs/private`, { transport: 'WebSockets' });
    await expect(client.start()).rejects.toThrow(/401/);
  });

  it('takes the token from access_token where the client cannot send headers', async () => {
    const userId = randomUUID();
    const token = server.tokenFor(userId);
    const res = await fetch(`${server.url}/hubs/private/negotiate?negotiateVersion=1&access_token=${token}`, {
      method: 'POST',
    });
    expect(res.status).toBe(200);
    const connection = hubClient(`${server.url}/hubs/private`, { transport: 'ServerSentEvents', token });
    await connection.start();
    try {
      expect(await connection.invoke('Whoami')).toBe(userId);
    } finally {
      await connection.stop();
    }
  });

  it("keeps one user's connection away from another user", async () => {
    const negotiated = await fetch(`${server.url}/hubs/private/negotiate?negotiateVersion=1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.tokenFor(randomUUID())}` },
    });
    const { connectionToken } = (await negotiated.json()) as { connectionToken: string };
    const stolen = await fetch(`${server.url}/hubs/private?id=${connectionToken}`, {
      headers: { authorization: `Bearer ${server.tokenFor(randomUUID())}` },
    });
    expect(stolen.status).toBe(403);
  });
});
