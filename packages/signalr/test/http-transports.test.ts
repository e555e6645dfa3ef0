import { json } from '@shop/testkit/src/listen';
import { type ProtocolServer, startProtocolServer } from './support/protocol-server';
import { negotiate, RawWebSocket, recordSeparator } from './support/raw-websocket';

let server: ProtocolServer;
let hub: string;

beforeAll(async () => {
  server = await startProtocolServer({ longPollTimeoutMs: 400, keepAliveIntervalMs: 60_000 });
  hub = `${server.url}/hubs/test`;
});
afterAll(() => server.stop());

const post = (url: string, body?: string | Buffer, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', ...(body !== undefined ? { body } : {}), headers });

describe('negotiate', () => {
  it('answers version 1 with a connection id, a separate token and the transports in ASP.NET order', async () => {
    const res = await post(`${hub}/negotiate?negotiateVersion=1`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = await json(res);
    expect(body).toEqual({
      negotiateVersion: 1,
      connectionId: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      connectionToken: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      availableTransports: [
        { transport: 'WebSockets', transferFormats: ['Text', 'Binary'] },
        { transport: 'ServerSentEvents', transferFormats: ['Text'] },
        { transport: 'LongPolling', transferFormats: ['Text', 'Binary'] },
      ],
    });
    expect(body.connectionToken).not.toBe(body.connectionId);
  });

  it('answers version 0 without a token, and a version above 1 with 1', async () => {
    const v0 = await negotiate(hub, '');
    expect(v0.negotiateVersion).toBe(0);
    expect(v0).not.toHaveProperty('connectionToken');
    expect((await negotiate(hub, 'negotiateVersion=7')).negotiateVersion).toBe(1);
  });

  it('answers a malformed version with an error document, as the clients expect', async () => {
    expect(await negotiate(hub, 'negotiateVersion=one')).toEqual({
      error: 'The client requested a non-integer protocol version.',
    });
    expect((await negotiate(hub, 'negotiateVersion=-1')).error).toMatch(/does not support this version/);
  });

  it('grants stateful reconnect only when asked, reading the query case-insensitively', async () => {
    expect(await negotiate(hub, 'negotiateVersion=1')).not.toHaveProperty('useStatefulReconnect');
    expect((await negotiate(hub, 'negotiateVersion=1&useStatefulReconnect=true')).useStatefulReconnect).toBe(true);
    // Azure redirect URLs carry their own parameters, sometimes twice.
    const odd = await negotiate(hub, 'NEGOTIATEVERSION=1&UseStatefulReconnect=True&asrs.op=%2Fclient&asrs.op=x');
    expect(odd.negotiateVersion).toBe(1);
    expect(odd.useStatefulReconnect).toBe(true);
  });

  it('ignores whatever body comes with negotiate, whatever its content type', async () => {
    const res = await post(`${hub}/negotiate?negotiateVersion=1`, '{not json', { 'content-type': 'application/json' });
    expect(res.status).toBe(200);
    expect((await json(res)).connectionToken).toBeDefined();
  });

  it('refuses other methods with 405', async () => {
    const res = await fetch(`${hub}/negotiate`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });

  it('answers CORS preflights and requests with the origin echoed and credentials allowed', async () => {
    const preflight = await fetch(`${hub}/negotiate?negotiateVersion=1`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://shop.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, x-requested-with, x-signalr-user-agent',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    expect(preflight.headers.get('access-control-allow-headers')).toBe(
      'authorization, x-requested-with, x-signalr-user-agent',
    );
    const res = await post(`${hub}/negotiate?negotiateVersion=1`, undefined, { origin: 'https://shop.example' });
    expect(res.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    const transport = await fetch(`${hub}?id=x`, { method: 'OPTIONS', headers: { origin: 'https://shop.example' } });
    expect(transport.status).toBe(204);
    expect(transport.headers.get('access-control-allow-methods')).toBe('GET, POST, DELETE, OPTIONS');
  });

  it('offers only the origins it is told to, when told', async () => {
    const strict = await startProtocolServer({ allowedOrigins: ['https://shop.example'] });
    try {
      const other = await post(`${strict.url}/hubs/test/negotiate?negotiateVersion=1`, undefined, {
        origin: 'https://evil.example',
      });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      await expect(RawWebSocket.open(`${strict.url}/hubs/test`, { origin: 'https://evil.example' })).rejects.toThrow(
        /403/,
      );
    } finally {
      await strict.stop();
    }
  });
});

describe('transport requests', () => {
  it('refuses requests without a connection id, or with an unknown one', async () => {
    expect((await fetch(hub)).status).toBe(400);
    expect((await post(hub, 'x')).status).toBe(400);
    const unknown = await fetch(`${hub}?id=nope`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await json(unknown)).errors).toEqual([{ path: 'query.id', message: 'No Connection with that ID' }]);
    await expect(RawWebSocket.open(`${hub}?id=nope`)).rejects.toThrow(/404/);
    expect((await fetch(`${hub}?id=nope`, { method: 'PUT' })).status).toBe(405);
  });

  it('refuses a POST to a WebSocket connection and a second transport for a connection', async () => {
    const { connectionToken } = await negotiate(hub);
    const ws = await RawWebSocket.open(`${hub}?id=${connectionToken}`);
    expect((await post(`${hub}?id=${connectionToken}`, 'x')).status).toBe(405);
    expect((await fetch(`${hub}?id=${connectionToken}`)).status).toBe(400);
    await expect(RawWebSocket.open(`${hub}?id=${connectionToken}`)).rejects.toThrow(/409/);
    ws.close();
  });
});

describe('long polling', () => {
  it('answers the first poll at once and empty, then delivers what was queued in one response', async () => {
    const { connectionToken } = await negotiate(hub);
    const url = `${hub}?id=${connectionToken}`;
    const first = await fetch(`${url}&_=1`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-length')).toBe('0');
    expect(first.headers.get('cache-control')).toBe('no-cache, no-store');
    // .NET posts without a content type; the body is raw protocol bytes either way.
    const sent = await post(
      url,
      `{"protocol":"json","version":1}${recordSeparator}{"type":1,"invocationId":"1","target":"Add","arguments":[1,2]}${recordSeparator}`,
    );
    expect(sent.status).toBe(200);
    const poll = await fetch(url);
    expect(poll.status).toBe(200);
    expect(poll.headers.get('content-type')).toBe('application/octet-stream');
    expect(await poll.text()).toBe(`{}${recordSeparator}{"type":3,"invocationId":"1","result":3}${recordSeparator}`);
  });

  it('answers an idle poll empty after the poll timeout, and ends a poll a newer one replaces with 204', async () => {
    const { connectionToken } = await negotiate(hub);
    const url = `${hub}?id=${connectionToken}`;
    await fetch(url);
    await post(url, `{"protocol":"json","version":1}${recordSeparator}`);
    expect(await (await fetch(url)).text()).toBe(`{}${recordSeparator}`);
    const startedAt = Date.now();
    const idle = await fetch(url);
    expect(idle.status).toBe(200);
    expect(await idle.text()).toBe('');
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(350);
    const older = fetch(url);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const newer = fetch(url);
    expect((await older).status).toBe(204);
    expect((await newer).status).toBe(200);
  });

  it('ends the connection on DELETE: 202, and the pending and later polls get 204', async () => {
    const { connectionToken } = await negotiate(hub);
    const url = `${hub}?id=${connectionToken}`;
    await fetch(url);
    await post(url, `{"protocol":"json","version":1}${recordSeparator}`);
    await (await fetch(url)).text();
    const pending = fetch(url);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await fetch(url, { method: 'DELETE' })).status).toBe(202);
    expect((await pending).status).toBe(204);
    expect((await fetch(url)).status).toBe(404);
  });

  it('delivers the Close message of a server-side close, then 204', async () => {
    const { connectionToken, connectionId } = await negotiate(hub);
    const url = `${hub}?id=${connectionToken}`;
    await fetch(url);
    await post(url, `{"protocol":"json","version":1}${recordSeparator}`);
    await (await fetch(url)).text();
    const endpoint = server.hubs.endpoint('/hubs/test');
    expect(await endpoint?.lifetime.closeConnection(connectionId, { error: 'maintenance', allowReconnect: true })).toBe(
      true,
    );
    expect(await (await fetch(url)).text()).toBe(
      `{"type":7,"error":"maintenance","allowReconnect":true}${recordSeparator}`,
    );
  });

  it('refuses DELETE on a connection that is not long polling', async () => {
    const { connectionToken } = await negotiate(hub);
    const stream = await fetch(`${hub}?id=${connectionToken}`, { headers: { accept: 'text/event-stream' } });
    expect((await fetch(`${hub}?id=${connectionToken}`, { method: 'DELETE' })).status).toBe(400);
    await stream.body?.cancel();
  });
});

describe('server-sent events', () => {
  it('opens with a comment, then sends every payload as data lines, unbuffered', async () => {
    const { connectionToken } = await negotiate(hub);
    const url = `${hub}?id=${connectionToken}`;
    const stream = await fetch(url, { headers: { accept: 'text/event-stream' } });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toBe('text/event-stream');
    expect(stream.headers.get('cache-control')).toBe('no-cache,no-store');
    expect(stream.headers.get('content-encoding')).toBe('identity');
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    const read = async () => decoder.decode((await reader.read()).value);
    expect(await read()).toBe(':\r\n');
    await post(url, `{"protocol":"json","version":1}${recordSeparator}`, {
      'content-type': 'text/plain;charset=UTF-8',
    });
    expect(await read()).toBe(`data: {}${recordSeparator}\r\n\r\n`);
    await post(url, `{"type":1,"invocationId":"5","target":"Echo","arguments":["a\\nb"]}${recordSeparator}`);
    expect(await read()).toBe(`data: {"type":3,"invocationId":"5","result":"a\\nb"}${recordSeparator}\r\n\r\n`);
    await reader.cancel();
  });

  it('refuses MessagePack, which SSE cannot carry, in the handshake', async () => {
    const { connectionToken } = await negotiate(hub);
    const url = `${hub}?id=${connectionToken}`;
    const stream = await fetch(url, { headers: { accept: 'text/event-stream' } });
    await post(url, `{"protocol":"messagepack","version":1}${recordSeparator}`);
    const text = await stream.text();
    expect(text).toBe(
      `:\r\ndata: {"error":"Cannot use the 'messagepack' protocol on the current transport. The transport does not support 'Binary' transfer format."}${recordSeparator}\r\n\r\n`,
    );
  });
});
