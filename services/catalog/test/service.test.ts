import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, createLogger, type EmbeddedPlatform, runEmbedded } from '@shop/kit';
import { json } from '@shop/testkit/src/listen';
import { catalogService } from '../src/service';

const log = createLogger({ name: 'catalog-test', level: 'fatal' });

describe('the catalog manifest', () => {
  let dataDir: string;
  let platform: EmbeddedPlatform | undefined;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'catalog-manifest-'));
  });
  afterEach(async () => {
    await platform?.shutdown();
    platform = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('declares its name and public paths for both topologies', () => {
    expect(catalogService.name).toBe('catalog');
    expect(catalogService.publicPaths).toEqual(['/api/products', '/api/categories']);
  });

  it('runs in the embedded host: migrates its database, reports it ready, serves its routes and document', async () => {
    platform = await runEmbedded([catalogService], {
      env: { PORT: '0', SHOP_DATA_DIR: dataDir, LOG_LEVEL: 'fatal' },
      log,
    });
    expect(await json(await fetch(`${platform.url}/readyz`))).toEqual({
      status: 'ready',
      checks: { 'catalog.database': 'ok' },
    });
    expect(await json(await fetch(`${platform.url}/api/categories`))).toEqual([]);
    expect(await json(await fetch(`${platform.url}/api/products`))).toEqual({ items: [], nextCursor: null });
    const doc = await json(await fetch(`${platform.url}/openapi/catalog.json`));
    expect(doc.info).toMatchObject({ title: 'catalog', version: '1' });
  });

  it('refuses a bad PRODUCT_CACHE_TTL_SECONDS at start, naming it', async () => {
    await expect(
      runEmbedded([catalogService], {
        env: { PORT: '0', SHOP_DATA_DIR: dataDir, LOG_LEVEL: 'fatal', PRODUCT_CACHE_TTL_SECONDS: 'soon' },
        log,
      }),
    ).rejects.toThrow(ConfigError);
    await expect(
      runEmbedded([catalogService], {
        env: { PORT: '0', SHOP_DATA_DIR: dataDir, LOG_LEVEL: 'fatal', PRODUCT_CACHE_TTL_SECONDS: 'soon' },
        log,
      }),
    ).rejects.toThrow(/PRODUCT_CACHE_TTL_SECONDS/);
  });
});
