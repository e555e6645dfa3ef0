// The storefront's page and assets as the embedded edge and the gateway serve them: at `/` and under `/storefront`
// only, with the page's security headers, without opening any other path.
import { mkdtempSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Router from '@koa/router';
import {
  createLogger,
  type EmbeddedPlatform,
  type OriginPages,
  pageContentSecurityPolicy,
  type RunningServer,
  runEmbedded,
  type ServiceManifest,
} from '@shop/kit';
import { type Listening, listen } from '@shop/testkit/src/listen';
import Koa from 'koa';
import { storefrontPages } from '../src/storefront/storefront-router';
import { serveGateway } from './support/serve-gateway';

const log = createLogger({ name: 'storefront-test', level: 'fatal' });
let pages: OriginPages;

beforeAll(async () => {
  pages = await storefrontPages();
}, 30_000);

/** The status as sent (fetch turns a 304 to a conditional request it did not make itself into a 200). */
function statusOf(url: string, headers: Record<string, string>): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      res.resume();
      resolve(res.statusCode);
    }).on('error', reject);
  });
}

/** What every origin must answer alike. */
function servesTheStorefront(origin: () => string): void {
  it('serves the page at / under its own-origin policy', async () => {
    const res = await fetch(`${origin()}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(pageContentSecurityPolicy());
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await res.text();
    expect(html).toContain('<script defer src="/storefront/storefront.js"></script>');
    expect(html).toContain('<link rel="stylesheet" href="/storefront/storefront.css">');
  });

  it('serves the bundled script (Preact and the stock SignalR client inside) and the style, revalidated by ETag', async () => {
    const script = await fetch(`${origin()}/storefront/storefront.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const code = await script.text();
    expect(code).toContain('SubscribeProduct');
    expect(code).toContain('/hubs/orders');
    expect(code).not.toMatch(/\bimport\s*\(|\brequire\(/);
    const etag = script.headers.get('etag') ?? '';
    expect(await statusOf(`${origin()}/storefront/storefront.js`, { 'if-none-match': etag })).toBe(304);
    const style = await fetch(`${origin()}/storefront/storefront.css`);
    expect(style.status).toBe(200);
    expect(style.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('opens no other path: / is one exact path, not a prefix', async () => {
    for (const path of ['/storefront', '/storefront/other.js', '/index.html', '/product/1']) {
      const res = await fetch(`${origin()}${path}`);
      expect([path, res.status]).toEqual([path, 404]);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
  });
}

describe('the storefront on the embedded edge', () => {
  let platform: EmbeddedPlatform;
  // A service with an internal route: the page at / must not make the edge serve it.
  const service: ServiceManifest = {
    name: 'widgets',
    publicPaths: ['/api/widgets'],
    async setup() {
      const router = new Router();
      router.get('/api/widgets', (ctx) => {
        ctx.body = { items: [] };
      });
      router.get('/internal/widgets', (ctx) => {
        ctx.body = { secret: true };
      });
      return { router };
    },
  };
  beforeAll(async () => {
    platform = await runEmbedded([service], {
      env: { PORT: '0', SHOP_DATA_DIR: mkdtempSync(join(tmpdir(), 'storefront-')), LOG_LEVEL: 'fatal' },
      log,
      pages: [pages],
    });
  });
  afterAll(() => platform?.shutdown());

  servesTheStorefront(() => platform.url);

  it('still serves the services and keeps their internal routes off the origin', async () => {
    expect((await fetch(`${platform.url}/api/widgets`)).status).toBe(200);
    expect((await fetch(`${platform.url}/internal/widgets`)).status).toBe(404);
  });
});

describe('the storefront on the gateway', () => {
  let upstream: Listening;
  let gateway: RunningServer;
  let url: string;
  beforeAll(async () => {
    const router = new Router();
    router.get('/api/widgets', (ctx) => {
      ctx.body = { proxied: true };
    });
    upstream = await listen(new Koa().use(router.routes()).callback());
    ({ gateway, url } = await serveGateway({
      routes: [{ service: 'widgets', target: upstream.url, prefixes: ['/api/widgets'] }],
      pages: [pages],
    }));
  });
  afterAll(async () => {
    await gateway?.shutdown();
    await upstream?.close();
  });

  servesTheStorefront(() => url);

  it('still proxies the paths a service owns', async () => {
    expect(await (await fetch(`${url}/api/widgets`)).json()).toEqual({ proxied: true });
  });
});
