import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '@shop/testkit';
import { createDaprMesh } from '../../src/mesh/dapr';
import { InvokeTimeoutError } from '../../src/mesh/port';
import { sidecarHttp } from '../../src/mesh/sidecar-http';

describe('sidecarHttp', () => {
  let server: Server;
  let port: number;
  let connections: number;
  const received: Array<{ method?: string; url?: string; headers: IncomingMessage['headers']; body: string }> = [];

  beforeEach(async () => {
    connections = 0;
    received.length = 0;
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({
          method: req.method,
          url: req.url,
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        res.setHeader('content-type', 'application/json');
        res.setHeader('x-seen', ['a', 'b']);
        res.statusCode = req.url === '/missing' ? 404 : 200;
        res.end(JSON.stringify({ echoed: Buffer.concat(chunks).toString('utf8') }));
      });
    });
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends the method, path, headers and body, and answers status, headers and text', async () => {
    const sidecar = sidecarHttp('127.0.0.1', port);
    const answer = await sidecar.send('POST', '/v1.0/publish/pubsub/orders', {
      headers: { 'content-type': 'application/json' },
      body: '{"ü":1}',
    });
    sidecar.close();
    expect(received[0]).toMatchObject({
      method: 'POST',
      url: '/v1.0/publish/pubsub/orders',
      body: '{"ü":1}',
      headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength('{"ü":1}')) },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers).toMatchObject({ 'content-type': 'application/json', 'x-seen': 'a, b' });
    expect(JSON.parse(answer.text)).toEqual({ echoed: '{"ü":1}' });
  });

  it("sends the Dapr API token on every call, whatever the caller's headers say", async () => {
    const sidecar = sidecarHttp('127.0.0.1', port, { apiToken: 'the-dapr-api-token-of-this-sidecar' });
    await sidecar.send('GET', '/v1.0/invoke/catalog/method/x', { headers: { 'dapr-api-token': 'forwarded' } });
    await sidecar.send('POST', '/v1.0/publish/pubsub/orders', { body: '{}' });
    sidecar.close();
    expect(received.map((r) => r.headers['dapr-api-token'])).toEqual([
      'the-dapr-api-token-of-this-sidecar',
      'the-dapr-api-token-of-this-sidecar',
    ]);
  });

  it('answers an error status as a status, not an exception', async () => {
    const sidecar = sidecarHttp('127.0.0.1', port);
    const answer = await sidecar.send('GET', '/missing');
    sidecar.close();
    expect(answer.status).toBe(404);
  });

  it('keeps connections open between calls instead of opening one per call', async () => {
    const sidecar = sidecarHttp('127.0.0.1', port);
    for (let i = 0; i < 20; i++) await sidecar.send('GET', `/call/${i}`);
    sidecar.close();
    expect(received).toHaveLength(20);
    expect(connections).toBe(1);
  });

  it('rejects when nothing listens on the port', async () => {
    const sidecar = sidecarHttp('127.0.0.1', await freePort());
    await expect(sidecar.send('GET', '/v1.0/healthz')).rejects.toThrow(/ECONNREFUSED/);
    sidecar.close();
  });
});

describe("the Dapr mesh's invocation budget", () => {
  it('aborts its request to daprd past timeoutMs with InvokeTimeoutError, closing the connection', async () => {
    let closedByCaller = false;
    // A daprd whose callee never answers in time (the sidecar waits on it, as daprd does on a slow app).
    const slowSidecar = createServer((req, res) => {
      req.resume();
      req.on('close', () => {
        if (!res.writableEnded) closedByCaller = true;
      });
      setTimeout(() => {
        if (!res.destroyed) res.end('{}');
      }, 3_000).unref();
    });
    await new Promise<void>((resolve) => slowSidecar.listen(0, '127.0.0.1', resolve));
    const mesh = createDaprMesh({ appId: 'orders', daprHttpPort: (slowSidecar.address() as AddressInfo).port });
    try {
      const started = Date.now();
      const call = mesh.invoke('fraud', '/internal/assessments', { method: 'POST', body: {}, timeoutMs: 150 });
      await expect(call).rejects.toThrow(InvokeTimeoutError);
      await expect(call).rejects.toMatchObject({ appId: 'fraud', path: '/internal/assessments', timeoutMs: 150 });
      expect(Date.now() - started).toBeLessThan(1_000);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(closedByCaller).toBe(true);
    } finally {
      slowSidecar.closeAllConnections();
      await new Promise((resolve) => slowSidecar.close(resolve));
    }
  });
});
