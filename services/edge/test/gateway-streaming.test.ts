import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import Router from '@koa/router';
import type { RunningServer } from '@shop/kit';
import { type Listening, listen } from '@shop/testkit/src/listen';
import Koa from 'koa';
import { serveGateway } from './support/serve-gateway';

const idleTimeoutMs = 300;

/** An upstream with what a realtime service serves (a quiet event stream, a long poll) and a slow ordinary route. */
async function realtimeUpstream(): Promise<Listening> {
  const router = new Router();
  router.get('/hubs/stream', async (ctx) => {
    ctx.respond = false;
    ctx.res.writeHead(200, { 'content-type': 'text/event-stream' });
    ctx.res.write(':\r\n');
    await sleep(idleTimeoutMs * 2);
    ctx.res.end('data: late\r\n\r\n');
  });
  router.get('/hubs/poll', async (ctx) => {
    await sleep(idleTimeoutMs * 2);
    ctx.body = 'polled';
  });
  router.get('/api/slow', async (ctx) => {
    await sleep(idleTimeoutMs * 3);
    ctx.body = 'too late';
  });
  return listen(new Koa().use(router.routes()).callback());
}

describe('the gateway in front of long-lived requests', () => {
  let upstream: Listening;
  let gateway: RunningServer;
  let url: string;

  beforeAll(async () => {
    upstream = await realtimeUpstream();
    const routes = [
      { service: 'hub', target: upstream.url, prefixes: ['/hubs'], streamingPaths: ['/hubs'] },
      { service: 'slow', target: upstream.url, prefixes: ['/api/slow'] },
    ];
    ({ gateway, url } = await serveGateway({ routes, idleTimeoutMs }));
  });
  afterAll(async () => {
    await gateway.shutdown();
    await upstream.close();
  });

  it('never cuts an event stream for being quiet', async () => {
    const res = await fetch(`${url}/hubs/stream`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(':\r\ndata: late\r\n\r\n');
  });

  it('never cuts a long poll for being quiet', async () => {
    const res = await fetch(`${url}/hubs/poll`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('polled');
  });

  it('answers an ordinary request whose service stays quiet past the idle timeout with 504, never a cut socket', async () => {
    const res = await fetch(`${url}/api/slow`);
    expect(res.status).toBe(504);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(await res.json()).toMatchObject({ status: 504, title: 'Gateway Timeout' });
  });

  it('refuses an upgrade for a path no service owns with 404', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${url}/nowhere`, { headers: { connection: 'Upgrade', upgrade: 'websocket' } });
      req.on('response', (res) => resolve(res.statusCode ?? 0));
      req.on('upgrade', () => reject(new Error('upgraded')));
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(404);
  });
});
