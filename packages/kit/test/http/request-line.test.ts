import { request } from 'node:http';
import { PassThrough } from 'node:stream';
import Router from '@koa/router';
import { type Listening, listen } from '@shop/testkit/src/listen';
import { createHttpApp } from '../../src/host/http-app';
import { createMetricsRegistry } from '../../src/http/metrics';
import { loggablePath, type RequestLogLevel } from '../../src/http/request-context';
import { createLogger } from '../../src/log/logger';

interface Served extends Listening {
  records(): Array<Record<string, unknown>>;
  raw: string[];
}

/** An app whose guest-cart route carries its secret in the path, logging at info as every process does by default. */
async function serve(requestLogLevel: RequestLogLevel | undefined): Promise<Served> {
  const stream = new PassThrough();
  const raw: string[] = [];
  stream.on('data', (chunk: Buffer) => raw.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  const router = new Router();
  router.get('/api/carts/:cartId', (ctx) => {
    ctx.body = { id: ctx.params.cartId };
  });
  const app = createHttpApp({
    name: 'edge',
    log: createLogger({ name: 'test', level: 'info', stream }),
    metrics: createMetricsRegistry(),
    health: { accepting: true },
    readiness: () => [],
    routers: [router],
    ...(requestLogLevel ? { requestLogLevel } : {}),
  });
  const server = await listen(app.callback());
  return Object.assign(server, {
    raw,
    records: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>),
  });
}

/** Raw HTTP: the target goes out exactly as written. Resolves once the log stream has passed on what it was given. */
async function get(url: string, target: string): Promise<number> {
  const status = await new Promise<number>((resolve, reject) => {
    const req = request(`${url}${target}`, { method: 'GET' }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
  await new Promise((resolve) => setImmediate(resolve));
  return status;
}

describe('the line each request ends with', () => {
  let served: Served | undefined;
  afterEach(() => served?.close());

  it('is one info line with the method, the route pattern, the status and the duration, and no secret', async () => {
    served = await serve('info');
    const cartSecret = 'c0ffee00c0ffee00c0ffee00c0ffee00';
    expect(await get(served.url, `/api/carts/${cartSecret}?access_token=eyJsecret`)).toBe(200);
    const lines = served.records().filter((record) => record.msg === 'request');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 30, method: 'GET', route: '/api/carts/:cartId', status: 200 });
    expect(typeof lines[0]?.duration_ms).toBe('number');
    expect(served.raw.join('\n')).not.toContain(cartSecret);
    expect(served.raw.join('\n')).not.toContain('eyJsecret');
  });

  it('names the path when no route matched, its ids masked and without the query string', async () => {
    served = await serve('info');
    const cartSecret = '0123456789abcdef0123456789abcdef';
    expect(await get(served.url, `/api/carts/${cartSecret}/nowhere?token=abc123`)).toBe(404);
    expect(served.records().filter((record) => record.msg === 'request')).toEqual([
      expect.objectContaining({ path: '/api/carts/:id/nowhere', status: 404 }),
    ]);
    expect(served.raw.join('\n')).not.toContain('abc123');
    expect(served.raw.join('\n')).not.toContain(cartSecret);
  });

  it('masks uuids and long tokens in a path, and keeps words', () => {
    expect(loggablePath('/api/orders/3f2b8c1e-0d4a-4e8f-9b1c-2a3b4c5d6e7f/ship')).toBe('/api/orders/:id/ship');
    expect(loggablePath('/client/eyJhbGciOiJIUzI1NiJ9abc')).toBe('/client/:id');
    expect(loggablePath('/api/products/search-by-name')).toBe('/api/products/search-by-name');
  });

  it("leaves probes, the services' own hub sends and, when the app asks for it, every request at debug", async () => {
    served = await serve(undefined);
    expect(await get(served.url, '/healthz')).toBe(200);
    expect(await get(served.url, '/api/v1/hubs/orders/users/u1')).toBe(404);
    expect(served.records()).toEqual([]);
    expect(await get(served.url, '/api/carts/abc')).toBe(200);
    expect(served.records()).toEqual([expect.objectContaining({ level: 30, route: '/api/carts/:cartId' })]);
    await served.close();
    served = await serve('debug');
    expect(await get(served.url, '/api/carts/abc')).toBe(200);
    expect(served.records()).toEqual([]);
  });
});
