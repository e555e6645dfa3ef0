import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HubServer, UnauthorizedError, UnavailableError } from '../src';
import { testHub } from './support/protocol-server';
import { negotiate, RawWebSocket, recordSeparator } from './support/raw-websocket';

const logged: Array<{ fields: object; message: string }> = [];
const log = {
  debug() {},
  info() {},
  warn() {},
  error: (fields: object, message: string) => logged.push({ fields, message }),
};

let hubs: HubServer;
let server: Server;
let url: string;

beforeAll(async () => {
  hubs = new HubServer({ log });
  hubs.mapHub('/hubs/Test', { hub: testHub });
  hubs.mapHub('/hubs/broken', {
    hub: { ...testHub, name: 'broken' },
    async authenticate(token) {
      if (token === 'refused') throw new UnauthorizedError('Refused.');
      if (token === 'busy') throw new UnavailableError('Cannot tell now.', 7);
      throw new Error('the user store is down');
    },
  });
  server = createServer(async (req, res) => {
    if (await hubs.handle(req, res)) return;
    res.writeHead(418, { 'content-type': 'text/plain' }).end('the application answers');
  });
  server.on('upgrade', (req, socket, head) => hubs.handleUpgrade(req, socket, head));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  hubs.start();
});
afterAll(async () => {
  await hubs.stop();
  await new Promise((resolve) => server.close(resolve));
});

describe('a hub server on node:http', () => {
  it('leaves every other request to the application, untouched', async () => {
    for (const path of ['/', '/hubs', '/hubs/other/negotiate', '/hubs/test/extra', '/hubs/testing']) {
      const res = await fetch(`${url}${path}`, { method: 'POST' });
      expect([path, res.status, await res.text()]).toEqual([path, 418, 'the application answers']);
    }
  });

  it('routes hub paths case-insensitively, with or without a trailing slash, as ASP.NET Core does', async () => {
    for (const path of ['/hubs/Test', '/HUBS/test', '/hubs/test/']) {
      const negotiated = await negotiate(`${url}${path}`);
      expect(negotiated.negotiateVersion).toBe(1);
    }
    expect((await fetch(`${url}/hubs/test/negotiate/?negotiateVersion=1`, { method: 'POST' })).status).toBe(200);
    const socket = await RawWebSocket.open(`${url}/HUBS/TEST`);
    try {
      socket.sendText(`{"protocol":"json","version":1}${recordSeparator}`);
      expect((await socket.next()).data.toString()).toBe(`{}${recordSeparator}`);
    } finally {
      socket.close();
    }
  });

  it('answers 503 with Retry-After when authentication cannot decide now, on HTTP and on an upgrade', async () => {
    const busy = await fetch(`${url}/hubs/broken/negotiate?negotiateVersion=1`, {
      method: 'POST',
      headers: { authorization: 'Bearer busy' },
    });
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('7');
    expect(await busy.json()).toMatchObject({ status: 503, detail: 'Cannot tell now.' });
    await expect(RawWebSocket.open(`${url}/hubs/broken?access_token=busy`)).rejects.toThrow('upgrade answered 503');
  });

  it('answers 500 with a problem document when the application fails, and logs why', async () => {
    const refused = await fetch(`${url}/hubs/broken/negotiate?negotiateVersion=1`, {
      method: 'POST',
      headers: { authorization: 'Bearer refused' },
    });
    expect(refused.status).toBe(401);
    const failed = await fetch(`${url}/hubs/broken/negotiate?negotiateVersion=1`, {
      method: 'POST',
      headers: { authorization: 'Bearer anything' },
    });
    expect(failed.status).toBe(500);
    expect(failed.headers.get('content-type')).toBe('application/problem+json');
    const body = await failed.text();
    expect(JSON.parse(body)).toMatchObject({ status: 500, title: 'Internal Server Error' });
    expect(body).not.toContain('user store');
    expect(logged.map((entry) => entry.message)).toContain('hub request failed');
  });
});
