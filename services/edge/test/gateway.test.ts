import Router from '@koa/router';
import type { RunningServer } from '@shop/kit';
import { json, type Listening, listen } from '@shop/testkit/src/listen';
import Koa from 'koa';
import { type GatewayRoute, routeFor } from '../src/gateway';
import { serveGateway } from './support/serve-gateway';

/** An upstream service that echoes what reached it. */
async function upstream(): Promise<Listening> {
  const router = new Router();
  router.post('/api/widgets', async (ctx) => {
    const chunks: Buffer[] = [];
    for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
    ctx.status = 201;
    ctx.set('x-request-id', ctx.get('x-request-id')); // as every kit service does
    ctx.body = {
      received: Buffer.concat(chunks).toString('utf8'),
      requestId: ctx.get('x-request-id'),
      traceparent: ctx.get('traceparent'),
    };
  });
  router.get('/api/widgets/missing', (ctx) => {
    ctx.status = 404;
  });
  router.get('/readyz', (ctx) => {
    ctx.body = { status: 'ready' };
  });
  return listen(new Koa().use(router.routes()).callback());
}

describe('the gateway in front of the Dapr topology', () => {
  let service: Listening;
  let gateway: RunningServer;
  let url: string;
  const routes: GatewayRoute[] = [];

  beforeAll(async () => {
    service = await upstream();
    routes.push(
      { service: 'widgets', target: service.url, prefixes: ['/api/widgets'] },
      { service: 'down', target: 'http://127.0.0.1:9', prefixes: ['/api/down'] },
    );
    ({ gateway, url } = await serveGateway({ routes }));
  });
  afterAll(async () => {
    await gateway.shutdown();
    await service.close();
  });

  it('forwards a request body unread, with the request id and trace', async () => {
    const res = await fetch(`${url}/api/widgets`, {
      method: 'POST',
      body: '{"name":"gear"}',
      headers: { 'content-type': 'application/json', 'x-request-id': 'gw-1' },
    });
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(body.received).toBe('{"name":"gear"}');
    expect(body.requestId).toBe('gw-1');
    expect(body.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    // Once, not twice: the upstream's echo replaces the gateway's own.
    expect(res.headers.get('x-request-id')).toBe('gw-1');
  });

  it('passes an upstream 404 through as it was', async () => {
    const res = await fetch(`${url}/api/widgets/missing`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).not.toMatch(/problem/);
  });

  it('answers 502 with a problem document when the owning service does not answer', async () => {
    const res = await fetch(`${url}/api/down/1`);
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('answers a path no service owns with a 404 problem document', async () => {
    const res = await fetch(`${url}/api/widgetsX`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('is not ready while a service is not', async () => {
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
    expect((await json(res)).checks).toEqual({ widgets: 'ok', down: expect.any(String) });
  });

  it('routes by the longest prefix, whole segments only', () => {
    const nested: GatewayRoute[] = [
      { service: 'catalog', target: 'http://a', prefixes: ['/api/products'] },
      { service: 'reviews', target: 'http://b', prefixes: ['/api/products/reviews'] },
    ];
    expect(routeFor(nested, '/api/products/1')?.service).toBe('catalog');
    expect(routeFor(nested, '/api/products/reviews/9')?.service).toBe('reviews');
    expect(routeFor(nested, '/openapi/reviews.json')?.service).toBe('reviews');
    expect(routeFor(nested, '/api/productsX')).toBeUndefined();
  });
});
