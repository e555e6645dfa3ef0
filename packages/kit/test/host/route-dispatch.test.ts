import Router from '@koa/router';
import { json, type Listening, listen } from '@shop/testkit/src/listen';
import Koa from 'koa';
import { routeDispatch } from '../../src/host/route-dispatch';
import { problemResponder } from '../../src/http/problem-responder';

function routers(): Router[] {
  const products = new Router();
  products.use(async (ctx, next) => {
    ctx.set('x-products-middleware', 'ran');
    await next();
  });
  products.get('/api/products', (ctx) => {
    ctx.body = { list: true };
  });
  products.get('/api/products/:id', (ctx) => {
    ctx.body = { id: ctx.params.id };
  });
  products.put('/api/products/:id', (ctx) => {
    ctx.body = { put: ctx.params.id };
  });
  const docs = new Router();
  docs.get('/docs', (ctx) => {
    ctx.body = { docs: 'index' };
  });
  docs.get('/docs/:file', (ctx) => {
    ctx.body = { file: ctx.params.file };
  });
  const catchAll = new Router();
  catchAll.get('/:tenant/status', (ctx) => {
    ctx.body = { tenant: ctx.params.tenant };
  });
  // A page at the root (the storefront): one exact path.
  const root = new Router();
  root.get('/', (ctx) => {
    ctx.body = { page: 'root' };
  });
  const health = new Router();
  health.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  return [health, products, docs, catchAll, root];
}

async function serve(useDispatch: boolean): Promise<Listening> {
  const app = new Koa();
  app.use(problemResponder());
  if (useDispatch) app.use(routeDispatch(routers()));
  else for (const router of routers()) app.use(router.routes()).use(router.allowedMethods({ throw: true }));
  return listen(app.callback());
}

const requests: Array<[string, string]> = [
  ['GET', '/healthz'],
  ['GET', '/healthz/'],
  ['GET', '/HEALTHZ'],
  ['DELETE', '/healthz'],
  ['GET', '/api/products'],
  ['GET', '/api/products/42'],
  ['GET', '/API/Products/42'],
  ['PUT', '/api/products/42'],
  ['DELETE', '/api/products/42'],
  ['GET', '/api/products/42/extra'],
  ['GET', '/api'],
  ['GET', '/api/orders'],
  ['GET', '/docs'],
  ['GET', '/docs/swagger.js'],
  ['GET', '/acme/status'],
  ['GET', '//api/products'],
  ['GET', '/api/%70roducts/1'],
  ['GET', '/'],
  ['POST', '/'],
  ['GET', '/?q=1'],
  ['OPTIONS', '/api/products/1'],
];

describe('routing by path prefix', () => {
  let full: Listening;
  let dispatched: Listening;
  beforeAll(async () => {
    full = await serve(false);
    dispatched = await serve(true);
  });
  afterAll(async () => {
    await full.close();
    await dispatched.close();
  });

  it.each(requests)('answers %s %s exactly as every router in turn would', async (method, path) => {
    const answer = async (server: Listening) => {
      const res = await fetch(`${server.url}${path}`, { method });
      const text = await res.text();
      return {
        status: res.status,
        allow: res.headers.get('allow'),
        middleware: res.headers.get('x-products-middleware'),
        body: text ? JSON.parse(text) : null,
      };
    };
    expect(await answer(dispatched)).toEqual(await answer(full));
  });

  it('runs the matched route of a later router, not only the first', async () => {
    expect(await json(await fetch(`${dispatched.url}/acme/status`))).toEqual({ tenant: 'acme' });
  });
});
