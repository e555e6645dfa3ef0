import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { topics } from '@shop/contracts';
import { createDaprMesh, type RunningServer, runService, type ServiceManifest, type StateStore } from '@shop/kit';
import { type DaprRunDir, prepareDaprRunDir } from '@shop/testkit/src/dapr-run-dir';
import { type RunningDaprd, startSidecar } from '@shop/testkit/src/daprd';
import { eventually } from '@shop/testkit/src/eventually';
import { freePort } from '@shop/testkit/src/free-port';
import { audience, issuer, newSigningKey, serveJwks, signToken } from '@shop/testkit/src/jwt-fixture';
import type { Listening } from '@shop/testkit/src/listen';
import { type RunningRedis, startRedis } from '@shop/testkit/src/redis';
import { type RunningSentry, startSentry } from '@shop/testkit/src/sentry';
import { catalogService } from '../../catalog/src/service';
import { inventoryService } from '../../inventory/src/service';
import type { ProductFacts } from '../src/application/ports';
import { productKey, stockKey } from '../src/infrastructure/state-product-projection';
import { startEmbeddedProjection } from './support/embedded-projection';
import { type AdminCall, ownerActions } from './support/owner-actions';
import { projectionHost } from './support/projection-host';

/** The cart's projection beside the real catalog and inventory, in one topology. */
interface Topology {
  admin: AdminCall;
  describe(productIds: string[]): Promise<Map<string, ProductFacts>>;
  applyStock(productId: string, available: number, version: number): Promise<void>;
  /** The cart's own state store. */
  state: StateStore;
  stop(): Promise<void>;
}

const freshnessMs = 2_000;
const eur = (amount: number) => ({ amount, currency: 'EUR' });

/** Polls describe until `check` passes; answers how long that took from `since`. */
async function shownWithin(
  topology: Topology,
  productId: string,
  since: number,
  check: (facts: ProductFacts | undefined) => void,
): Promise<number> {
  await eventually(async () => check((await topology.describe([productId])).get(productId)), 10_000, 20);
  return Date.now() - since;
}

function freshness(name: string, start: () => Promise<Topology>): void {
  describe(`the cart projection, ${name}`, () => {
    let topology: Topology;
    let owners: ReturnType<typeof ownerActions>;

    beforeAll(async () => {
      topology = await start();
      owners = ownerActions(topology.admin);
    }, 180_000);
    afterAll(() => topology?.stop(), 60_000);

    it(`shows a price change within ${freshnessMs} ms`, async () => {
      const product = await owners.createProduct(eur(1000), 5);
      await shownWithin(topology, product.id, Date.now(), (facts) =>
        expect(facts).toMatchObject({ price: eur(1000), available: 5 }),
      );
      const changedAt = Date.now();
      await owners.changePrice(product, eur(1450));
      const ms = await shownWithin(topology, product.id, changedAt, (facts) => expect(facts?.price).toEqual(eur(1450)));
      expect(ms).toBeLessThan(freshnessMs);
    });

    it('shows an archived product as archived with 0 available', async () => {
      const product = await owners.createProduct(eur(700), 4);
      await eventually(() => owners.stockOpened(product.id).then((opened) => expect(opened).toBe(true)));
      await shownWithin(topology, product.id, Date.now(), (facts) => expect(facts?.available).toBe(4));
      const archivedAt = Date.now();
      await owners.archive(product.id);
      const ms = await shownWithin(topology, product.id, archivedAt, (facts) =>
        expect(facts).toMatchObject({ status: 'archived', available: 0, price: eur(700) }),
      );
      expect(ms).toBeLessThan(freshnessMs);
    });

    it(`shows a stock change within ${freshnessMs} ms`, async () => {
      const product = await owners.createProduct(eur(300), 5);
      await eventually(() => owners.stockOpened(product.id).then((opened) => expect(opened).toBe(true)));
      await shownWithin(topology, product.id, Date.now(), (facts) => expect(facts?.available).toBe(5));
      const adjustedAt = Date.now();
      expect(await owners.adjustStock(product.id, 3)).toMatchObject({ available: 8 });
      const ms = await shownWithin(topology, product.id, adjustedAt, (facts) => expect(facts?.available).toBe(8));
      expect(ms).toBeLessThan(freshnessMs);
    });

    it('fills a product whose events it never had from the owners, through service invocation', async () => {
      const product = await owners.createProduct(eur(2500), 9);
      await eventually(async () => {
        expect(await topology.state.get(productKey(product.id))).toBeDefined();
        expect(await topology.state.get(stockKey(product.id))).toBeDefined();
      });
      await topology.state.delete(productKey(product.id));
      await topology.state.delete(stockKey(product.id));
      expect((await topology.describe([product.id])).get(product.id)).toEqual({
        productId: product.id,
        sku: product.sku,
        name: product.name,
        price: eur(2500),
        status: 'active',
        available: 9,
      });
      expect(await topology.state.get(productKey(product.id))).toBeDefined();
      expect(await topology.state.get(stockKey(product.id))).toBeDefined();
    });

    it('ends on the highest version when 20 stock changes race to create one entry', async () => {
      // No entry yet: the first save of each is create-only-if-absent, the retries conditional on the ETag read.
      const productId = randomUUID();
      const versions = Array.from({ length: 20 }, (_, index) => index + 1).sort(() => Math.random() - 0.5);
      await Promise.all(versions.map((version) => topology.applyStock(productId, 100 - version, version)));
      expect((await topology.state.get(stockKey(productId)))?.value).toEqual({ productId, available: 80, version: 20 });
    });
  });
}

freshness('embedded (in-process bus, embedded state store)', async () => {
  const embedded = await startEmbeddedProjection({ owners: true });
  return {
    admin: embedded.admin,
    describe: (ids) => embedded.projection.describe(ids),
    applyStock: (productId, available, version) => embedded.projection.applyStock({ productId, available, version }),
    state: embedded.state,
    stop: embedded.stop,
  };
});

freshness(
  'beside daprd (Redis Streams pub/sub, state.redis, invocation under mTLS and the access control lists)',
  async () => {
    const key = newSigningKey('cart-projection-dapr');
    const dataDir = mkdtempSync(join(tmpdir(), 'cart-projection-dapr-'));
    // Each sidecar gets the access control list of the mesh policy, so the fills pass only if the policy admits them.
    const run: DaprRunDir = prepareDaprRunDir({ accessControl: true });
    const sidecars: RunningDaprd[] = [];
    let sentry: RunningSentry | undefined;
    const servers: RunningServer[] = [];
    let redis: RunningRedis | undefined;
    let jwks: Listening | undefined;
    const stop = async () => {
      for (const server of servers) await server.shutdown();
      for (const sidecar of sidecars) await sidecar.stop();
      await sentry?.stop();
      await redis?.stop();
      await jwks?.close();
      run.remove();
      rmSync(dataDir, { recursive: true, force: true });
    };
    try {
      redis = await startRedis({ logDir: run.logDir });
      sentry = await startSentry({ dir: join(run.path, 'sentry'), logDir: run.logDir });
      const mtls = sentry.mtls;
      jwks = await serveJwks([key]);
      // The fixture answers identity's session checks: the sidecar of app `identity` calls it.
      sidecars.push(await startSidecar(run, redis.url, 'identity', jwks.port, { mtls }));
      const urls = new Map<string, string>();
      const start = async (manifest: ServiceManifest, env: Record<string, string> = {}) => {
        const appPort = await freePort();
        const sidecar = await startSidecar(run, (redis as RunningRedis).url, manifest.name, appPort, { mtls });
        sidecars.push(sidecar);
        servers.push(
          await runService(manifest, {
            handleSignals: false,
            env: {
              APP_PORT: String(appPort),
              ...sidecar.appEnv,
              JWKS_URL: `${(jwks as Listening).url}/jwks`,
              JWT_ISSUER: issuer,
              JWT_AUDIENCE: audience,
              LOG_LEVEL: 'fatal',
              ...env,
            },
          }),
        );
        urls.set(manifest.name, `http://127.0.0.1:${appPort}`);
        return sidecar;
      };
      const host = projectionHost();
      const [catalogSidecar, inventorySidecar, cartSidecar] = await Promise.all([
        start(catalogService as ServiceManifest, { DATABASE_URL: `sqlite:${join(dataDir, 'catalog.sqlite')}` }),
        start(inventoryService as ServiceManifest, { DATABASE_URL: `sqlite:${join(dataDir, 'inventory.sqlite')}` }),
        start(host.manifest),
      ]);
      await Promise.all([
        catalogSidecar?.waitForSubscriptions([topics.stockChanged]),
        inventorySidecar?.waitForSubscriptions([topics.productCreated]),
        cartSidecar?.waitForSubscriptions([
          topics.productCreated,
          topics.productUpdated,
          topics.productDeleted,
          topics.stockChanged,
        ]),
      ]);
      const cartMesh = createDaprMesh({
        appId: 'cart',
        daprHttpPort: (cartSidecar as RunningDaprd).httpPort,
        daprApiToken: (cartSidecar as RunningDaprd).daprApiToken,
      });
      const adminToken = signToken(key, { roles: ['admin'] }, { subject: 'admin-1' });
      const ownerOf = (path: string) => (path.startsWith('/api/inventory') ? 'inventory' : 'catalog');
      return {
        admin: (method, path, body) =>
          fetch(`${urls.get(ownerOf(path))}${path}`, {
            method,
            headers: {
              authorization: `Bearer ${adminToken}`,
              ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            },
            ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          }),
        describe: (ids) => host.projection().describe(ids),
        applyStock: (productId, available, version) => host.projection().applyStock({ productId, available, version }),
        state: cartMesh.state,
        stop,
      };
    } catch (error) {
      await stop();
      throw error;
    }
  },
);
