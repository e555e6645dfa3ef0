import Router from '@koa/router';
import { type Listening, listen } from '@shop/testkit/src/listen';
import { rawRequest } from '@shop/testkit/src/raw-http';
import { createHttpApp } from '../../src/host/http-app';
import { createMetricsRegistry } from '../../src/http/metrics';
import { createLogger } from '../../src/log/logger';

const token = 'sidecar-token-0123456789-abcdefghijklmnop';
let server: Listening;
const handled: string[] = [];

beforeAll(async () => {
  const router = new Router();
  router.post('/internal/payments', (ctx) => {
    handled.push(`payments ${JSON.stringify(ctx.request.body)}`);
    ctx.body = { charged: true };
  });
  router.post('/dapr/events/:topic', (ctx) => {
    handled.push(`event ${ctx.params.topic}`);
    ctx.body = { status: 'SUCCESS' };
  });
  router.get('/dapr/subscribe', (ctx) => {
    ctx.body = [];
  });
  router.get('/api/products', (ctx) => {
    ctx.body = [];
  });
  const app = createHttpApp({
    name: 'guarded',
    log: createLogger({ name: 'test', level: 'fatal' }),
    metrics: createMetricsRegistry(),
    health: { accepting: true },
    readiness: () => [],
    routers: [router],
    appApiToken: token,
  });
  server = await listen(app.callback());
});
afterAll(() => server.close());
beforeEach(() => {
  handled.length = 0;
});

/** Raw HTTP: the path goes on the wire exactly as written (fetch would normalise it). */
async function send(method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  const answer = await rawRequest(server.url, {
    method,
    target: path,
    headers,
    ...(body === undefined ? {} : { body }),
  });
  return { ...answer, type: answer.headers['content-type'] ?? '' };
}

const json = { 'content-type': 'application/json' };
const cloudEvent = JSON.stringify({ specversion: '1.0', data: { id: 'x', type: 'forged', occurredAt: '', data: {} } });

describe('the app API token', () => {
  it('lets the sidecar, which sends it, reach internal routes and event deliveries', async () => {
    const charged = await send('POST', '/internal/payments', { ...json, 'dapr-api-token': token }, '{"amount":5}');
    expect(charged.status).toBe(200);
    const delivered = await send(
      'POST',
      '/dapr/events/payments.payment-succeeded',
      { 'content-type': 'application/cloudevents+json', 'dapr-api-token': token },
      cloudEvent,
    );
    expect(delivered.status).toBe(200);
    expect(handled).toEqual(['payments {"amount":5}', 'event payments.payment-succeeded']);
  });

  it.each([
    ['no token', {}],
    ['an empty token', { 'dapr-api-token': '' }],
    ['a wrong token', { 'dapr-api-token': 'b'.repeat(44) }],
    ['the token with a character more', { 'dapr-api-token': `${token}x` }],
  ])('refuses a forged CloudEvent with %s: 401 problem, nothing handled', async (_case, headers) => {
    const res = await send(
      'POST',
      '/dapr/events/payments.payment-succeeded',
      { 'content-type': 'application/cloudevents+json', ...headers },
      cloudEvent,
    );
    expect(res.status).toBe(401);
    expect(res.type).toContain('application/problem+json');
    expect(JSON.parse(res.body)).toMatchObject({ status: 401, title: 'Unauthorized' });
    expect(handled).toEqual([]);
  });

  it('refuses before reading the body: malformed JSON without the token is 401, not 400', async () => {
    expect((await send('POST', '/internal/payments', json, '{"amount":')).status).toBe(401);
    expect((await send('POST', '/internal/payments', { ...json, 'dapr-api-token': token }, '{"amount":')).status).toBe(
      400,
    );
    expect(handled).toEqual([]);
  });

  it('refuses a doubled slash before the token is even looked at', async () => {
    expect((await send('POST', '//internal/payments', json, '{}')).status).toBe(400);
    expect(handled).toEqual([]);
  });

  it.each([
    '/INTERNAL/payments',
    '/%69nternal/payments',
    '/Dapr/events/payments.payment-succeeded',
    '/dapr/subscribe',
    '/dapr',
    '/internal',
  ])('guards %s however it is spelled', async (path) => {
    const res = path === '/dapr/subscribe' ? await send('GET', path) : await send('POST', path, json, '{}');
    expect(res.status).toBe(401);
    expect(handled).toEqual([]);
  });

  it('leaves the public routes and the operations endpoints open', async () => {
    expect((await send('GET', '/api/products')).status).toBe(200);
    expect((await send('GET', '/healthz')).status).toBe(200);
    expect((await send('GET', '/internals-of-nothing')).status).toBe(404);
  });
});
