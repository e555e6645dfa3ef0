import { HubConnectionState } from '@microsoft/signalr';
import { eventually } from '@shop/testkit/src/eventually';
import { hubClient } from './support/clients';
import { type ProtocolServer, startProtocolServer } from './support/protocol-server';
import { negotiate, RawWebSocket, recordSeparator } from './support/raw-websocket';

// The interval a test is about is shortened (the defaults are ASP.NET Core's 15 s / 30 s / 15 s) so the behaviour
// shows in about a second; every other interval stays long, so a loaded machine's pauses between a test's own steps
// (negotiate, open, handshake, poll) never trip a timeout the test is not about. The assertions are about what
// happens, with generous bounds, never about speed.
const patient = {
  keepAliveIntervalMs: 15_000,
  clientTimeoutMs: 30_000,
  handshakeTimeoutMs: 15_000,
  disconnectTimeoutMs: 15_000,
  longPollTimeoutMs: 300,
};
const servers: ProtocolServer[] = [];
/** A protocol server with the patient intervals, but for those given. */
async function serverWith(shortened: Partial<typeof patient>): Promise<ProtocolServer> {
  const server = await startProtocolServer({ ...patient, ...shortened });
  servers.push(server);
  return server;
}
afterAll(() => Promise.all(servers.map((server) => server.stop())));

let server: ProtocolServer;
const hub = () => `${server.url}/hubs/test`;

async function jsonSocket(): Promise<RawWebSocket> {
  const { connectionToken } = await negotiate(hub());
  const ws = await RawWebSocket.open(`${hub()}?id=${connectionToken}`);
  ws.sendText(`{"protocol":"json","version":1}${recordSeparator}`);
  expect((await ws.next()).data.toString()).toBe(`{}${recordSeparator}`);
  return ws;
}

describe('keep-alive', () => {
  beforeAll(async () => {
    server = await serverWith({ keepAliveIntervalMs: 150 });
  });

  it('pings a client it has sent nothing to for the keep-alive interval', async () => {
    const ws = await jsonSocket();
    expect((await ws.next(2_000)).data.toString()).toBe(`{"type":6}${recordSeparator}`);
    expect((await ws.next(2_000)).data.toString()).toBe(`{"type":6}${recordSeparator}`);
    ws.close();
  });

  it("keeps a stock client alive past its own server timeout, with the server's pings", async () => {
    const connection = hubClient(hub(), { transport: 'WebSockets' });
    // Ten of the server's pings fit in the client's timeout, so only a server that stopped pinging loses it.
    connection.serverTimeoutInMilliseconds = 1_500;
    connection.keepAliveIntervalInMilliseconds = 150;
    await connection.start();
    try {
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      expect(connection.state).toBe(HubConnectionState.Connected);
      expect(await connection.invoke('Add', 1, 1)).toBe(2);
    } finally {
      await connection.stop();
    }
  });

  it('sends no pings over long polling, which keeps itself alive', async () => {
    const { connectionToken } = await negotiate(hub());
    const url = `${hub()}?id=${connectionToken}`;
    await fetch(url);
    await fetch(url, { method: 'POST', body: `{"protocol":"json","version":1}${recordSeparator}` });
    expect(await (await fetch(url)).text()).toBe(`{}${recordSeparator}`);
    // Two poll timeouts pass; every answer is empty.
    expect(await (await fetch(url)).text()).toBe('');
    expect(await (await fetch(url)).text()).toBe('');
    await fetch(url, { method: 'DELETE' });
  });
});

describe('timeouts', () => {
  it('closes a client that pinged once and then fell silent, with an error', async () => {
    server = await serverWith({ clientTimeoutMs: 600 });
    const ws = await jsonSocket();
    ws.sendText(`{"type":6}${recordSeparator}`);
    let close: { type: number; error?: string } | undefined;
    for (;;) {
      const text = (await ws.next(3_000)).data.toString();
      const message = JSON.parse(text.slice(0, -1)) as { type: number; error?: string };
      if (message.type === 7) {
        close = message;
        break;
      }
    }
    expect(close.error).toBe('Client timeout elapsed without receiving a message from the client.');
    expect(await ws.whenClosed()).toBe(1000);
  });

  it('does not time out a client that never pinged (old clients do not)', async () => {
    server = await serverWith({ clientTimeoutMs: 600 });
    const ws = await jsonSocket();
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(ws.closeCode).toBeUndefined();
    ws.close();
  });

  it('cancels a handshake that does not come in time', async () => {
    server = await serverWith({ handshakeTimeoutMs: 400 });
    const { connectionToken } = await negotiate(hub());
    const ws = await RawWebSocket.open(`${hub()}?id=${connectionToken}`);
    expect((await ws.next(2_000)).data.toString()).toBe(`{"error":"Handshake was canceled."}${recordSeparator}`);
    expect(await ws.whenClosed()).toBe(1000);
  });

  it('forgets a negotiated connection whose transport never starts', async () => {
    server = await serverWith({ disconnectTimeoutMs: 500 });
    const { connectionToken } = await negotiate(hub());
    await eventually(async () => expect((await fetch(`${hub()}?id=${connectionToken}`)).status).toBe(404), 10_000, 50);
  });

  it('forgets a long-polling client that stopped polling', async () => {
    // Long enough that the test's own polls, one after another, keep it; short enough to pass while it waits.
    server = await serverWith({ disconnectTimeoutMs: 2_000 });
    const { connectionToken, connectionId } = await negotiate(hub());
    const url = `${hub()}?id=${connectionToken}`;
    await fetch(url);
    await fetch(url, { method: 'POST', body: `{"protocol":"json","version":1}${recordSeparator}` });
    await (await fetch(url)).text();
    const lifetime = server.hubs.endpoint('/hubs/test')?.lifetime;
    expect(await lifetime?.connectionExists(connectionId)).toBe(true);
    await eventually(async () => expect(await lifetime?.connectionExists(connectionId)).toBe(false), 15_000, 50);
  });
});
