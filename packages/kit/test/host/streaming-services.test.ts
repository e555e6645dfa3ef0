import { mkdtempSync } from 'node:fs';
import { request, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import Router from '@koa/router';
import { json } from '@shop/testkit/src/listen';
import { type EmbeddedPlatform, runEmbedded } from '../../src/host/run-embedded';
import type { ServiceManifest } from '../../src/host/service-manifest';
import { createLogger } from '../../src/log/logger';

/** A service with the parts a realtime service has: raw POST bodies, long-lived responses and upgrades. */
function echoService(): ServiceManifest & { open: Set<ServerResponse> } {
  const open = new Set<ServerResponse>();
  return {
    name: 'echo',
    publicPaths: ['/echo'],
    streamingPaths: ['/echo/raw'],
    open,
    async setup() {
      const router = new Router();
      router.post('/echo/raw', async (ctx) => {
        const chunks: Buffer[] = [];
        for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
        ctx.body = { received: Buffer.concat(chunks).toString('utf8') };
      });
      router.post('/echo/parsed', (ctx) => {
        ctx.body = { parsed: ctx.request.body };
      });
      router.get('/echo/raw/stream', (ctx) => {
        ctx.respond = false;
        ctx.res.writeHead(200, { 'content-type': 'text/plain' });
        ctx.res.write('open\n');
        open.add(ctx.res);
      });
      return {
        router,
        upgrade(_req, socket: Duplex, head: Buffer) {
          socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n');
          if (head.length > 0) socket.write(head);
          socket.pipe(socket);
        },
        drain() {
          for (const res of open) res.end('bye\n');
        },
      };
    },
  };
}

async function start(service: ServiceManifest): Promise<EmbeddedPlatform> {
  return runEmbedded([service], {
    env: {
      PORT: '0',
      SHOP_DATA_DIR: mkdtempSync(join(tmpdir(), 'streaming-')),
      LOG_LEVEL: 'fatal',
      SHUTDOWN_GRACE_MS: '10000',
    },
    log: createLogger({ name: 'test', level: 'fatal' }),
  });
}

/** Sends an upgrade request; answers the status line and, on 101, what the socket echoes back. */
function upgrade(url: string, path: string): Promise<{ status: number; echoed?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { headers: { connection: 'Upgrade', upgrade: 'echo' } });
    req.on('upgrade', (res, socket) => {
      socket.once('data', (data: Buffer) => {
        socket.destroy();
        resolve({ status: res.statusCode ?? 0, echoed: data.toString('utf8') });
      });
      socket.write('ping');
    });
    req.on('response', (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0 });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('a service with streaming parts', () => {
  let platform: EmbeddedPlatform;
  beforeAll(async () => {
    platform = await start(echoService());
  });
  afterAll(() => platform.shutdown());

  it("hands WebSocket-style upgrades under the service's public paths to it", async () => {
    expect(await upgrade(platform.url, '/echo/socket?id=1')).toEqual({ status: 101, echoed: 'ping' });
  });

  it('refuses upgrades no service owns with 404, and keeps serving', async () => {
    expect(await upgrade(platform.url, '/elsewhere')).toEqual({ status: 404 });
    expect(await upgrade(platform.url, '/echoes')).toEqual({ status: 404 });
    expect((await fetch(`${platform.url}/healthz`)).status).toBe(200);
  });

  it('leaves request bodies on streaming paths unread, whatever their content type', async () => {
    const raw = await fetch(`${platform.url}/echo/raw`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"type":1,\u001e',
    });
    expect(raw.status).toBe(200);
    expect(await json(raw)).toEqual({ received: '{"type":1,\u001e' });
    const parsed = await fetch(`${platform.url}/echo/parsed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"type":1,',
    });
    expect(parsed.status).toBe(400);
  });
});

describe('shutting down a service with long-lived responses', () => {
  it('lets the service end them as shutdown begins instead of waiting out the grace period', async () => {
    const service = echoService();
    const platform = await start(service);
    const stream = await fetch(`${platform.url}/echo/raw/stream`);
    const body = stream.text();
    const startedAt = Date.now();
    await platform.shutdown();
    expect(await body).toBe('open\nbye\n');
    expect(Date.now() - startedAt).toBeLessThan(5_000);
  });
});
