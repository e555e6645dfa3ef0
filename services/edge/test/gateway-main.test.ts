import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import Router from '@koa/router';
import { ConfigError, createLogger } from '@shop/kit';
import { eventually } from '@shop/testkit/src/eventually';
import { freePort } from '@shop/testkit/src/free-port';
import { json } from '@shop/testkit/src/listen';
import Koa from 'koa';
import { simpleParser } from 'mailparser';
import { createTransport } from 'nodemailer';
import WebSocket, { WebSocketServer } from 'ws';
import { upstreamVariable } from '../src/gateway-config';
import { runGateway } from '../src/gateway-main';
import type { RunningGateway } from '../src/serve-gateway';
import { services } from '../src/services';

const log = createLogger({ name: 'gateway-main-test', level: 'fatal' });

/** A stand-in for one service's process: says who answered, records what reached it, readiness switchable. */
interface Upstream {
  url: string;
  seen: string[];
  ready: boolean;
  close(): Promise<void>;
}

async function upstream(name: string): Promise<Upstream> {
  const state = { seen: [] as string[], ready: true };
  const router = new Router();
  router.get('/readyz', (ctx) => {
    ctx.status = state.ready ? 200 : 503;
    ctx.body = { status: state.ready ? 'ready' : 'not-ready' };
  });
  router.get(`/openapi/${name}.json`, (ctx) => {
    ctx.body = { openapi: '3.0.3', info: { title: name } };
  });
  router.get('/api/products/slow', async (ctx) => {
    await new Promise((resolve) => setTimeout(resolve, 500));
    ctx.body = 'finished';
  });
  const app = new Koa();
  app.use(async (ctx, next) => {
    state.seen.push(ctx.path);
    await next();
  });
  app.use(router.routes());
  app.use((ctx) => {
    if (ctx.status === 404 && ctx.path !== '/readyz') ctx.body = { answeredBy: name, path: ctx.path };
  });
  const server = createServer(app.callback());
  // The hub's transports: a WebSocket echo under every path, as the hub upgrades its own.
  const sockets = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    state.seen.push(`upgrade ${req.url}`);
    sockets.handleUpgrade(req, socket, head, (ws) => ws.on('message', (data) => ws.send(`${name}: ${data}`)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get seen() {
      return state.seen;
    },
    get ready() {
      return state.ready;
    },
    set ready(value: boolean) {
      state.ready = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of sockets.clients) client.terminate();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function gatewayEnv(upstreams: Record<string, Upstream>, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PORT: '0',
    OPERATIONS_PORT: '0',
    ...Object.fromEntries(Object.entries(upstreams).map(([name, u]) => [upstreamVariable(name), u.url])),
    ...extra,
  };
}

function wsMessage(url: string, send: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('open', () => socket.send(send));
    socket.once('message', (data) => {
      resolve(String(data));
      socket.close();
    });
    socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade answered ${res.statusCode}`)));
    socket.once('error', reject);
  });
}

describe('the gateway process in front of services running elsewhere', () => {
  let catalog: Upstream;
  let identity: Upstream;
  let hub: Upstream;
  let gateway: RunningGateway;
  let url: string;
  let operationsUrl: string;

  beforeAll(async () => {
    [catalog, identity, hub] = await Promise.all([upstream('catalog'), upstream('identity'), upstream('hub')]);
    gateway = await runGateway({ env: gatewayEnv({ catalog, identity, hub }), log });
    url = `http://127.0.0.1:${gateway.port}`;
    operationsUrl = `http://127.0.0.1:${gateway.operationsPort}`;
  });
  afterAll(async () => {
    await gateway?.shutdown();
    await Promise.all([catalog, identity, hub].map((u) => u?.close()));
  });
  beforeEach(() => {
    for (const u of [catalog, identity, hub]) u.ready = true;
  });

  it("sends each manifest's public paths, and its OpenAPI document, to the service's upstream", async () => {
    const routed: Array<[string, string]> = [
      ['/api/products/42', 'catalog'],
      ['/api/categories', 'catalog'],
      ['/api/auth/jwks', 'identity'],
      ['/api/customers/me', 'identity'],
      ['/hubs/inventory/negotiate', 'hub'],
    ];
    for (const [path, service] of routed) {
      const res = await fetch(`${url}${path}`);
      expect([path, res.status, await json(res)]).toEqual([path, 200, { answeredBy: service, path }]);
    }
    const document = await fetch(`${url}/openapi/catalog.json`);
    expect(await json(document)).toEqual({ openapi: '3.0.3', info: { title: 'catalog' } });
  });

  it('answers a path no service owns, and a service it has no upstream for, with a 404 problem document', async () => {
    for (const path of [
      '/api/no-such-thing',
      '/api/productsX',
      '/api/orders/1',
      '/openapi/orders.json',
      '/index.html',
    ]) {
      const res = await fetch(`${url}${path}`);
      expect([path, res.status, res.headers.get('content-type')]).toEqual([
        path,
        404,
        expect.stringMatching(/^application\/problem\+json/),
      ]);
      expect(await json(res)).toMatchObject({ status: 404, title: 'Not Found' });
    }
  });

  it('serves the storefront itself at /, with its script', async () => {
    const page = await fetch(`${url}/`);
    expect([page.status, page.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    expect((await fetch(`${url}/storefront/storefront.js`)).status).toBe(200);
  });

  it("never sends the hub's Azure SignalR REST API on, though the hub's manifest owns it", async () => {
    const hubPaths = services.find((s) => s.name === 'hub')?.publicPaths ?? [];
    expect(hubPaths).toEqual(expect.arrayContaining(['/api/v1/hubs', '/api/hubs']));
    const seenBefore = hub.seen.length;
    for (const path of ['/api/v1/hubs/inventory', '/api/hubs/orders/:send']) {
      const res = await fetch(`${url}${path}`, { method: 'POST', body: '{}' });
      expect([path, res.status]).toEqual([path, 404]);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    await expect(wsMessage(`${url.replace('http', 'ws')}/api/v1/hubs/inventory`, 'x')).rejects.toThrow('404');
    expect(hub.seen.slice(seenBefore)).toEqual([]);
  });

  it('carries WebSocket upgrades to the service that owns the path', async () => {
    expect(await wsMessage(`${url.replace('http', 'ws')}/hubs/inventory?id=1`, 'hello')).toBe('hub: hello');
    expect(hub.seen).toContain('upgrade /hubs/inventory?id=1');
  });

  it('is ready on /readyz when every upstream is, and says which one is not', async () => {
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await json(ready)).toEqual({ status: 'ready', checks: { identity: 'ok', catalog: 'ok', hub: 'ok' } });

    identity.ready = false;
    const notReady = await fetch(`${url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await json(notReady)).toEqual({
      status: 'not-ready',
      checks: { identity: 'readyz answered 503', catalog: 'ok', hub: 'ok' },
    });
  });

  it('stays ready itself on its operations port while an upstream is down', async () => {
    identity.ready = false;
    const own = await fetch(`${operationsUrl}/readyz`);
    expect(own.status).toBe(200);
    expect(await json(own)).toEqual({ status: 'ready', checks: {} });
    expect(await json(await fetch(`${operationsUrl}/healthz`))).toEqual({ status: 'ok' });
  });

  it('serves Swagger UI over the OpenAPI documents of the services it fronts', async () => {
    const page = await fetch(`${url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    for (const service of ['identity', 'catalog', 'hub']) expect(html).toContain(`"/openapi/${service}.json"`);
    expect(html).not.toContain('/openapi/orders.json');
    const asset = await fetch(`${url}/docs/swagger-ui-bundle.js`);
    expect(asset.status).toBe(200);
  });

  it('keeps /metrics off the public port and serves it on the operations port', async () => {
    for (const path of ['/metrics', '/METRICS', '/metrics/']) {
      const res = await fetch(`${url}${path}`);
      expect([path, res.status, res.headers.get('content-type')]).toEqual([
        path,
        404,
        expect.stringMatching(/^application\/problem\+json/),
      ]);
    }
    const metrics = await fetch(`${operationsUrl}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await metrics.text();
    expect(text).toMatch(/http_server_request_duration_seconds_count\{[^}]*route="\/readyz"[^}]*\} [1-9]/);
    // The operations port serves nothing but the gateway's own endpoints.
    expect((await fetch(`${operationsUrl}/api/products/1`)).status).toBe(404);
  });
});

describe('the gateway process without an operations port', () => {
  it('serves /metrics on its one port, as the local origin does', async () => {
    const catalog = await upstream('catalog');
    const gateway = await runGateway({ env: { PORT: '0', UPSTREAM_CATALOG: catalog.url }, log });
    try {
      expect(gateway.operationsPort).toBeUndefined();
      const res = await fetch(`http://127.0.0.1:${gateway.port}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('process_cpu_seconds_total');
    } finally {
      await gateway.shutdown();
      await catalog.close();
    }
  });
});

describe('the gateway process with a dev mailbox (DEV_MAILBOX_SMTP_PORT, docker-compose)', () => {
  it('catches email on that SMTP port and shows it at /dev/mailbox, with its source as it came', async () => {
    const catalog = await upstream('catalog');
    const smtpPort = await freePort();
    const gateway = await runGateway({
      env: { PORT: '0', UPSTREAM_CATALOG: catalog.url, DEV_MAILBOX_SMTP_PORT: String(smtpPort) },
      log,
    });
    try {
      const transport = createTransport({ url: `smtp://127.0.0.1:${smtpPort}` });
      await transport.sendMail({
        from: 'Shop <no-reply@shop.local>',
        to: 'dev@example.com',
        subject: 'Through the gateway',
        text: 'caught',
      });
      transport.close();
      const listed = await fetch(`http://127.0.0.1:${gateway.port}/dev/mailbox`, {
        headers: { accept: 'application/json' },
      });
      expect(listed.status).toBe(200);
      const { items } = (await listed.json()) as { items: Array<{ to: string[]; subject: string; raw: string }> };
      expect(items.map((item) => [item.to, item.subject])).toEqual([[['dev@example.com'], 'Through the gateway']]);
      const parsed = await simpleParser((items[0] as { raw: string }).raw);
      expect(parsed.from?.value).toEqual([{ name: 'Shop', address: 'no-reply@shop.local' }]);
      expect(parsed.text?.trim()).toBe('caught');
      // The gateway asks every route's target whether it is ready; the mailbox says it is.
      expect((await fetch(`http://127.0.0.1:${gateway.port}/readyz`)).status).toBe(200);
    } finally {
      await gateway.shutdown();
      await catalog.close();
    }
    // Closed with the gateway: nothing listens on the SMTP port any more.
    const transport = createTransport({ url: `smtp://127.0.0.1:${smtpPort}`, connectionTimeout: 2_000 });
    await expect(transport.verify()).rejects.toThrow();
    transport.close();
  });

  it('leaves /dev/mailbox unrouted without it', async () => {
    const catalog = await upstream('catalog');
    const gateway = await runGateway({ env: { PORT: '0', UPSTREAM_CATALOG: catalog.url }, log });
    try {
      expect((await fetch(`http://127.0.0.1:${gateway.port}/dev/mailbox`)).status).toBe(404);
    } finally {
      await gateway.shutdown();
      await catalog.close();
    }
  });
});

describe('the gateway process in front of a service that hangs', () => {
  it('says so on /readyz within the check time and leaves no request to it open', async () => {
    const open = new Set<Socket>();
    const hanging = createServer(() => {});
    hanging.on('connection', (socket) => {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
    });
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const target = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
    const gateway = await runGateway({ env: { PORT: '0', UPSTREAM_CATALOG: target }, log });
    try {
      const res = await fetch(`http://127.0.0.1:${gateway.port}/readyz`);
      expect(res.status).toBe(503);
      expect((await json(res)).checks).toEqual({ catalog: 'no answer within 1900 ms' });
      // The aborted request's socket goes too (undici lets it go within its keep-alive timeout).
      await eventually(() => expect(open.size).toBe(0), 15_000, 100);
    } finally {
      await gateway.shutdown();
      hanging.closeAllConnections();
      await new Promise((resolve) => hanging.close(resolve));
    }
  });
});

describe('the gateway process with its own internal-only paths', () => {
  it('keeps exactly the paths INTERNAL_ONLY_PATHS names from the services that own them', async () => {
    const catalog = await upstream('catalog');
    const gateway = await runGateway({
      env: { PORT: '0', UPSTREAM_CATALOG: catalog.url, INTERNAL_ONLY_PATHS: ' /api/categories , /nothing' },
      log,
    });
    try {
      const url = `http://127.0.0.1:${gateway.port}`;
      expect((await fetch(`${url}/api/categories/1`)).status).toBe(404);
      expect((await fetch(`${url}/api/products/1`)).status).toBe(200);
      expect(catalog.seen).toEqual(['/api/products/1']);
    } finally {
      await gateway.shutdown();
      await catalog.close();
    }
  });
});

describe('the gateway process shutting down', () => {
  it('finishes the requests in flight, unready meanwhile, then closes both ports', async () => {
    const catalog = await upstream('catalog');
    const gateway = await runGateway({ env: gatewayEnv({ catalog }, { SHUTDOWN_GRACE_MS: '5000' }), log });
    const url = `http://127.0.0.1:${gateway.port}`;
    const operationsUrl = `http://127.0.0.1:${gateway.operationsPort}`;
    try {
      const inFlight = fetch(`${url}/api/products/slow`);
      await eventually(() => expect(catalog.seen).toContain('/api/products/slow'));
      const stopping = gateway.shutdown();
      const own = await fetch(`${operationsUrl}/readyz`);
      expect([own.status, (await json(own)).status]).toEqual([503, 'shutting-down']);
      const answer = await inFlight;
      expect([answer.status, await answer.text()]).toEqual([200, 'finished']);
      await stopping;
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
      await expect(fetch(`${operationsUrl}/healthz`)).rejects.toThrow();
    } finally {
      await gateway.shutdown();
      await catalog.close();
    }
  });
});

describe('the gateway configuration', () => {
  const start = (env: NodeJS.ProcessEnv) => runGateway({ env, log });

  async function problemsOf(env: NodeJS.ProcessEnv): Promise<string[]> {
    const error = await start(env).then(
      (gateway) => {
        void gateway.shutdown();
        throw new Error('the gateway started');
      },
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }

  it('names every bad variable at once', async () => {
    const problems = await problemsOf({
      PORT: 'eighty',
      UPSTREAM_CATALOG: 'ftp://catalog',
      UPSTREAM_IDENTITY: 'http://identity:3000/api',
      UPSTREAM_CATLOG: 'http://catalog:3000',
      UPSTREAM_HUB: 'http://user:secret@hub:3000',
      INTERNAL_ONLY_PATHS: '/api/hubs,api/v1/hubs',
      LOG_LEVEL: 'loud',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PORT: /),
        expect.stringMatching(/^UPSTREAM_CATALOG: .*http/),
        expect.stringMatching(/^UPSTREAM_IDENTITY: must be a base URL/),
        expect.stringMatching(/^UPSTREAM_HUB: must be a base URL/),
        expect.stringMatching(/^UPSTREAM_CATLOG: no service is called that; the services are UPSTREAM_IDENTITY, /),
        'INTERNAL_ONLY_PATHS: holds "api/v1/hubs", which is not a URL path such as /api/hubs',
        expect.stringMatching(/^LOG_LEVEL: /),
      ]),
    );
    expect(problems).toHaveLength(7);
    expect(problems.join('\n')).not.toContain('secret');
  });

  it('refuses to start with no upstream at all', async () => {
    expect(await problemsOf({ PORT: '0' })).toEqual([
      expect.stringMatching(/^UPSTREAM_<SERVICE>: none is set; the gateway needs at least one of UPSTREAM_IDENTITY/),
    ]);
  });

  it('refuses an operations port equal to the public one', async () => {
    expect(
      await problemsOf({ PORT: '8080', OPERATIONS_PORT: '8080', UPSTREAM_CATALOG: 'http://catalog:3000' }),
    ).toEqual(['OPERATIONS_PORT: must differ from PORT']);
  });

  it('refuses a dev mailbox in production', async () => {
    expect(
      await problemsOf({
        NODE_ENV: 'production',
        PORT: '0',
        DEV_MAILBOX_SMTP_PORT: '1025',
        UPSTREAM_CATALOG: 'http://catalog:3000',
      }),
    ).toEqual(['DEV_MAILBOX_SMTP_PORT: development only; in production email goes to the SMTP server of SMTP_URL']);
  });
});
