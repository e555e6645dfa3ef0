import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, relative } from 'node:path';
import { topics } from '@shop/contracts';
import { prepareDaprRunDir } from '@shop/testkit/src/dapr-run-dir';
import { startSidecar } from '@shop/testkit/src/daprd';
import { eventually } from '@shop/testkit/src/eventually';
import { freePort } from '@shop/testkit/src/free-port';
import { type ManagedProcess, spawnManaged } from '@shop/testkit/src/managed-process';
import { startRedis } from '@shop/testkit/src/redis';
import { type BundleResult, bundleableServices, bundleService } from '../../tools/bundle-service';
import { repoRoot } from './support/deploy-tools';

// Inside the repository, so the bundles find the root node_modules as dist/<name>/main.js does.
mkdirSync(join(repoRoot, '.tmp'), { recursive: true });
const outRoot = mkdtempSync(join(repoRoot, '.tmp', 'bundle-'));
const bundles = new Map<string, BundleResult>();
const started: ManagedProcess[] = [];

beforeAll(async () => {
  for (const service of bundleableServices()) bundles.set(service, await bundleService(service, outRoot));
}, 60_000);

afterAll(async () => {
  for (const process of started) await process.stop();
  rmSync(outRoot, { recursive: true, force: true });
});

function bundleOf(service: string): BundleResult {
  const bundle = bundles.get(service);
  if (!bundle) throw new Error(`${service} was not bundled`);
  return bundle;
}

function startBundle(service: string, env: NodeJS.ProcessEnv, logDir: string): ManagedProcess {
  const child = spawnManaged(`bundled-${service}`, process.execPath, {
    args: ['--enable-source-maps', bundleOf(service).outFile],
    cwd: logDir,
    logDir,
    env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', ...env },
  });
  started.push(child);
  return child;
}

async function answers(url: string, child: ManagedProcess, status = 200): Promise<Response> {
  return eventually(
    async () => {
      if (child.child.exitCode !== null) throw new Error(`${child.name} exited:\n${child.tail(30)}`);
      const res = await fetch(url);
      if (res.status !== status) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
      return res;
    },
    60_000,
    200,
  );
}

type Sidecar = Awaited<ReturnType<typeof startSidecar>>;

/**
 * Runs a service's bundle in the Kubernetes shape: production mode, beside a real daprd on a fresh Redis, with its
 * own SQLite database unless it has none. Waits until it is ready and the sidecar holds `topics` as its
 * subscriptions, runs `check`, then stops everything it started.
 */
async function besideDaprd(
  service: string,
  options: { env?: NodeJS.ProcessEnv; database?: boolean; topics: string[] },
  check: (running: { base: string; sidecar: Sidecar }) => Promise<void>,
): Promise<void> {
  const run = prepareDaprRunDir({ parentDir: outRoot });
  const redis = await startRedis({ logDir: run.logDir });
  try {
    const appPort = await freePort();
    const sidecar = await startSidecar(run, redis.url, service, appPort);
    try {
      const app = startBundle(
        service,
        {
          NODE_ENV: 'production',
          APP_PORT: String(appPort),
          ...sidecar.appEnv,
          ...(options.database === false ? {} : { DATABASE_URL: `sqlite:${join(run.path, `${service}.sqlite`)}` }),
          JWKS_URL: 'http://127.0.0.1:9/api/auth/jwks',
          ...options.env,
        },
        run.logDir,
      );
      const base = `http://127.0.0.1:${appPort}`;
      const ready = await (await answers(`${base}/readyz`, app)).json();
      expect(ready).toMatchObject({ status: 'ready', checks: { sidecar: 'ok' } });
      await sidecar.waitForSubscriptions(options.topics, 30_000);
      await check({ base, sidecar });
      await app.stop();
    } finally {
      await sidecar.stop();
    }
  } finally {
    await redis.stop();
    run.remove();
  }
}

describe('the production bundle', () => {
  it('bundles every service that has a main.ts, and the gateway, into dist/<name>/main.js with a source map', () => {
    expect([...bundles.keys()]).toEqual(bundleableServices());
    expect(bundleableServices()).toEqual(
      expect.arrayContaining(['cart', 'catalog', 'edge', 'gateway', 'identity', 'inventory', 'orders', 'payments']),
    );
    for (const bundle of bundles.values()) {
      expect(bundle.outFile).toBe(join(outRoot, bundle.service, 'main.js'));
      expect(existsSync(`${bundle.outFile}.map`)).toBe(true);
      expect(readFileSync(bundle.outFile, 'utf8')).toMatch(/\/\/# sourceMappingURL=main\.js\.map\s*$/);
    }
  });

  it('inlines the workspace packages and loads every npm package from node_modules', () => {
    for (const bundle of bundles.values()) {
      const code = readFileSync(bundle.outFile, 'utf8');
      expect(code).not.toMatch(/require\("@shop\//);
      expect(bundle.externals).toEqual(expect.arrayContaining(['koa', 'typeorm']));
      for (const external of bundle.externals) {
        expect(() => require.resolve(external, { paths: [dirname(bundle.outFile)] })).not.toThrow();
      }
    }
  });

  it('loads only packages the runtime image keeps: production dependencies, as the lock file resolves them', () => {
    const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean }>;
    };
    for (const bundle of bundles.values()) {
      for (const external of bundle.externals) {
        const resolved = require.resolve(external, { paths: [dirname(bundle.outFile)] });
        const installedAt = relative(repoRoot, resolved).match(/^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//)?.[1];
        expect([external, installedAt && lock.packages[installedAt]?.dev]).toEqual([external, undefined]);
        expect([external, installedAt && installedAt in lock.packages]).toEqual([external, true]);
      }
    }
  });

  it('keeps function names as written, without keepNames wrappers', () => {
    const code = readFileSync(bundleOf('catalog').outFile, 'utf8');
    expect(code).not.toContain('__name(');
    expect(code).toContain('CreateCatalogTables1732300000000');
  });

  it('runs the all-in-one edge bundle with node: the whole platform answers', async () => {
    const dataDir = mkdtempSync(join(outRoot, 'edge-data-'));
    const port = await freePort();
    // An empty shop, as asserted below: npm start's demo data would be seeding while the test reads the catalog.
    const edge = startBundle(
      'edge',
      { PORT: String(port), SHOP_DATA_DIR: dataDir, NODE_ENV: 'development', SHOP_DEMO_DATA: 'false' },
      dataDir,
    );
    const base = `http://127.0.0.1:${port}`;
    expect(await (await answers(`${base}/healthz`, edge)).json()).toEqual({ status: 'ok' });
    await answers(`${base}/readyz`, edge);
    const registered = await fetch(`${base}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'bundle@shop.example', password: 'a-long-enough-password', name: 'Bundle' }),
    });
    expect(registered.status).toBe(201);
    const products = await fetch(`${base}/api/products`);
    expect(products.status).toBe(200);
    expect(await products.json()).toMatchObject({ items: [] });
    // The admin dashboard's script, built at start from the web sources copied beside the bundle.
    expect(existsSync(join(dirname(bundleOf('edge').outFile), 'web', 'main.ts'))).toBe(true);
    const dashboardScript = await fetch(`${base}/admin/dashboard.js`);
    expect(dashboardScript.status).toBe(200);
    expect(await dashboardScript.text()).toContain('MetricsChanged');
    // The storefront likewise, from its sources beside the bundle.
    expect(existsSync(join(dirname(bundleOf('edge').outFile), 'storefront', 'main.tsx'))).toBe(true);
    expect((await fetch(`${base}/`)).headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await (await fetch(`${base}/storefront/storefront.js`)).text()).toContain('SubscribeProduct');
  }, 90_000);

  it('runs the gateway bundle with node in front of a service, and stops it cleanly on SIGTERM', async () => {
    const seen: string[] = [];
    const catalog = createServer((req, res) => {
      seen.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(req.url === '/readyz' ? { status: 'ready' } : { items: [] }));
    });
    await new Promise<void>((resolve) => catalog.listen(0, '127.0.0.1', resolve));
    try {
      const [port, operationsPort] = [await freePort(), await freePort()];
      const logDir = mkdtempSync(join(outRoot, 'gateway-'));
      const gateway = startBundle(
        'gateway',
        {
          NODE_ENV: 'production',
          PORT: String(port),
          OPERATIONS_PORT: String(operationsPort),
          UPSTREAM_CATALOG: `http://127.0.0.1:${(catalog.address() as AddressInfo).port}`,
        },
        logDir,
      );
      const base = `http://127.0.0.1:${port}`;
      expect(await (await answers(`${base}/healthz`, gateway)).json()).toEqual({ status: 'ok' });
      expect(await (await answers(`${base}/readyz`, gateway)).json()).toEqual({
        status: 'ready',
        checks: { catalog: 'ok' },
      });
      expect(await (await answers(`${base}/api/products`, gateway)).json()).toEqual({ items: [] });
      expect(seen).toContain('/api/products');
      // The storefront is the gateway's own page, built at start from the sources beside the bundle.
      expect(existsSync(join(dirname(bundleOf('gateway').outFile), 'storefront', 'main.tsx'))).toBe(true);
      expect((await answers(`${base}/`, gateway)).headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await (await answers(`${base}/storefront/storefront.js`, gateway)).text()).toContain('/hubs/orders');
      await answers(`${base}/metrics`, gateway, 404);
      await answers(`http://127.0.0.1:${operationsPort}/metrics`, gateway);
      gateway.child.kill('SIGTERM');
      expect(await gateway.exited).toBe(0);
    } finally {
      catalog.closeAllConnections();
      await new Promise((resolve) => catalog.close(resolve));
    }
  }, 60_000);

  it('carries the notifications templates beside its bundle, and the bundle starts in production with them', async () => {
    const templates = join(dirname(bundleOf('notifications').outFile), 'templates');
    for (const locale of ['en', 'de']) expect(existsSync(join(templates, locale, 'welcome.hbs'))).toBe(true);
    await besideDaprd(
      'notifications',
      // Required in production; nothing is sent here (the renderer compiles every template at start).
      { env: { SMTP_URL: 'smtp://127.0.0.1:9' }, topics: [topics.customerRegistered, topics.orderPaid] },
      async () => {},
    );
  }, 120_000);

  it('runs a service bundle in the Kubernetes shape, beside a real daprd', async () => {
    // The sidecar reads the bundle's /dapr/subscribe: its event and dead-letter subscriptions.
    await besideDaprd('catalog', { topics: [topics.stockChanged, 'deadletter.catalog'] }, async ({ base }) => {
      expect((await fetch(`${base}/api/categories`)).status).toBe(200);
    });
  }, 120_000);

  it('runs the cart bundle beside a real daprd with no database: its carts are entries of the Redis state store', async () => {
    await besideDaprd(
      'cart',
      {
        database: false,
        env: { GUEST_CART_TTL_DAYS: '2' },
        // Its projection's subscriptions.
        topics: [
          topics.productCreated,
          topics.productUpdated,
          topics.productDeleted,
          topics.stockChanged,
          'deadletter.cart',
        ],
      },
      async ({ base, sidecar }) => {
        const created = await fetch(`${base}/api/carts`, { method: 'POST' });
        expect(created.status).toBe(201);
        const { id, expiresAt } = (await created.json()) as { id: string; expiresAt: string };
        const twoDays = 2 * 86_400_000;
        expect(Math.abs(Date.parse(expiresAt) - Date.now() - twoDays)).toBeLessThan(60_000);
        // The guest cart is an entry of the state store, reached through the sidecar's state API under app id cart.
        const stored = await fetch(`http://127.0.0.1:${sidecar.httpPort}/v1.0/state/statestore/guest-cart:${id}`, {
          headers: { 'dapr-api-token': sidecar.appEnv.DAPR_API_TOKEN },
        });
        expect(stored.status).toBe(200);
        expect(await stored.json()).toMatchObject({ id, kind: 'guest', lines: [] });
        expect((await fetch(`${base}/api/carts/${id}`)).status).toBe(200);
      },
    );
  }, 120_000);
});
