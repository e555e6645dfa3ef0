import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningServer } from '@shop/kit';
import { freePort, waitForPort } from '@shop/testkit/src/free-port';
import { spawnManaged } from '@shop/testkit/src/managed-process';
import { rawRequest } from '@shop/testkit/src/raw-http';
import { abuseUpgrade, maskedTextFrame, type SocketAbuse, socketAbuses } from '@shop/testkit/src/socket-abuse';
import WebSocket, { WebSocketServer } from 'ws';
import { serveGateway } from './support/serve-gateway';

const maxBodyBytes = 64 * 1024;

/**
 * An upstream that owns /api/widgets and also has the routes an attacker wants (/internal, /dapr): it records every
 * path that reaches it, echoes bodies, and runs a WebSocket echo on /api/widgets/live.
 */
async function upstream() {
  const reached: string[] = [];
  const server = createServer(async (req, res) => {
    reached.push(req.url ?? '');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ path: req.url, bytes: Buffer.concat(chunks).length }));
  });
  const sockets = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req: IncomingMessage, socket, head) => {
    reached.push(req.url ?? '');
    socket.on('error', () => socket.destroy());
    sockets.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', () => ws.terminate());
      ws.on('message', (data) => ws.send(data));
      // A stream that keeps talking: the gateway is mid-write when its client resets.
      if (req.url?.endsWith('/ticking')) {
        const ticks = setInterval(() => (ws.readyState === WebSocket.OPEN ? ws.send('tick') : clearInterval(ticks)), 1);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    reached,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of sockets.clients) client.terminate();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('the gateway closes its doors', () => {
  let service: Awaited<ReturnType<typeof upstream>>;
  let gateway: RunningServer;
  let url: string;

  beforeAll(async () => {
    service = await upstream();
    ({ gateway, url } = await serveGateway({
      routes: [{ service: 'widgets', target: service.url, prefixes: ['/api/widgets'] }],
      maxBodyBytes,
    }));
  });
  afterAll(async () => {
    await gateway.shutdown();
    await service.close();
  });
  beforeEach(() => {
    service.reached.length = 0;
  });

  it.each([
    '/api/widgets/../../dapr/events/payments.payment-succeeded',
    '/api/widgets/%2e%2e/%2e%2e/dapr/events/orders.order-cancelled',
    '/api/widgets/%2E%2E/%2E%2E/internal/stock/1',
    '/api/widgets/.%2e/.%2e/internal/payment-methods',
    '/api/widgets/..;/..;/internal/payments',
    '/api/widgets%2f..%2f..%2finternal',
    '/api/widgets\\..\\..\\internal',
    '/api/widgets//..//..//internal',
  ])('refuses %s with 400 and forwards nothing', async (target) => {
    for (const method of ['GET', 'POST']) {
      const answer = await rawRequest(url, { method, target, body: method === 'POST' ? '{}' : undefined });
      expect(answer.status).toBe(400);
      expect(answer.headers['content-type']).toContain('application/problem+json');
    }
    expect(service.reached).toEqual([]);
  });

  it('refuses dot segments in a WebSocket upgrade and forwards nothing', async () => {
    const answer = await rawRequest(url, {
      target: '/api/widgets/../../dapr/subscribe',
      headers: { upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-version': '13', 'sec-websocket-key': 'x' },
    });
    expect(answer.status).toBe(400);
    expect(service.reached).toEqual([]);
  });

  it('forwards a plain path exactly as it was asked for', async () => {
    const answer = await rawRequest(url, { target: '/api/widgets/a;b=c/%41?q=../x' });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).path).toBe('/api/widgets/a;b=c/%41?q=../x');
  });

  it('answers a body over the limit with 413 every time, declared or chunked, and forwards nothing', async () => {
    const big = Buffer.alloc(maxBodyBytes * 80, 'x');
    for (let i = 0; i < 10; i++) {
      const declared = await rawRequest(url, { method: 'POST', target: '/api/widgets', body: big });
      expect(declared.status).toBe(413);
      const chunked = await rawRequest(url, {
        method: 'POST',
        target: '/api/widgets',
        headers: { 'transfer-encoding': 'chunked' },
        body: Buffer.concat([Buffer.from(`${big.length.toString(16)}\r\n`), big, Buffer.from('\r\n0\r\n\r\n')]),
      });
      expect(chunked.status).toBe(413);
      expect(chunked.headers['content-type']).toContain('application/problem+json');
    }
    expect(service.reached).toEqual([]);
  });

  it('forwards a chunked body under the limit whole', async () => {
    const body = Buffer.alloc(maxBodyBytes - 1, 'y');
    const answer = await rawRequest(url, {
      method: 'POST',
      target: '/api/widgets',
      headers: { 'transfer-encoding': 'chunked' },
      body: Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]),
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).bytes).toBe(body.length);
  });

  // In a process of its own, as deployed: an error nobody handles ends a process, which jest alone would not notice.
  it('survives a storm of sockets reset mid-handshake, mid-stream, half-closed and garbage upgrades', async () => {
    const port = await freePort();
    const gatewayProcess = spawnManaged('gateway-under-storm', process.execPath, {
      args: ['--import', 'tsx', join(__dirname, '../src/gateway-main.ts')],
      cwd: join(__dirname, '../../..'),
      logDir: mkdtempSync(join(tmpdir(), 'gateway-storm-')),
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', UPSTREAM_HUB: service.url },
    });
    try {
      await waitForPort(port, 30_000);
      // One connection that must not notice the storm.
      const bystander = new WebSocket(`ws://127.0.0.1:${port}/hubs/live`);
      await new Promise((resolve, reject) => bystander.once('open', resolve).once('error', reject));
      const echoes: string[] = [];
      bystander.on('message', (data) => echoes.push(String(data)));

      // The upstream keeps writing on this path, so the gateway is mid-write when its client resets.
      const request = `GET /hubs/ticking HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`;
      const upgrade = { host: '127.0.0.1', port, request, afterUpgrade: maskedTextFrame('hello') };
      const storm: Array<Promise<void>> = [];
      for (let i = 0; i < 400; i++) {
        storm.push(abuseUpgrade(upgrade, socketAbuses[i % socketAbuses.length] as SocketAbuse));
        if (i % 50 === 49) bystander.send(`ping-${i}`);
      }
      await Promise.all(storm);

      bystander.send('after the storm');
      const deadline = Date.now() + 5_000;
      while (!echoes.includes('after the storm') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(gatewayProcess.child.exitCode).toBeNull();
      expect(echoes).toContain('after the storm');
      expect(echoes.filter((echo) => echo.startsWith('ping-'))).toHaveLength(8);
      expect(bystander.readyState).toBe(WebSocket.OPEN);
      bystander.close();
      expect((await rawRequest(`http://127.0.0.1:${port}`, { target: '/healthz' })).status).toBe(200);
    } finally {
      await gatewayProcess.stop();
    }
  }, 60_000);
});
