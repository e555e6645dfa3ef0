import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Router from '@koa/router';
import { buildBrowserBundle, type OriginPages, pageSecurityHeaders, serveStaticAsset } from '@shop/kit';
import {
  storefrontAssetsPath,
  storefrontHtml,
  storefrontPath,
  storefrontScriptPath,
  storefrontStylePath,
} from './storefront-page';

/**
 * The storefront's browser sources: services/edge/storefront, or the copy beside a production bundle
 * (tools/bundle-service.ts puts it at dist/<bundle>/storefront).
 */
export function storefrontSourceDir(): string {
  const candidates = [join(__dirname, 'storefront'), join(__dirname, '..', '..', 'storefront')];
  const found = candidates.find((dir) => existsSync(join(dir, 'main.tsx')));
  if (!found) throw new Error(`the storefront's sources are missing (looked in ${candidates.join(', ')})`);
  return found;
}

/**
 * The storefront, served by the origin itself (the embedded edge and the gateway): a page at `/` and its script and
 * style under `/storefront`. It holds no data and calls no service but through the public API, as any browser
 * would, so it needs no sidecar, database or app id of its own. Its script (Preact, the stock SignalR client and
 * the views) is bundled once at start, in memory.
 */
export async function storefrontPages(sourceDir = storefrontSourceDir()): Promise<OriginPages> {
  const [script, style] = await Promise.all([
    buildBrowserBundle({ entry: join(sourceDir, 'main.tsx'), tsconfig: join(sourceDir, 'tsconfig.json') }),
    readFile(join(sourceDir, 'storefront.css')),
  ]);
  const router = new Router();
  router.get(
    storefrontPath,
    serveStaticAsset({
      body: Buffer.from(storefrontHtml, 'utf8'),
      type: 'text/html; charset=utf-8',
      // Revalidated on every load, so a new release's page is seen at once.
      cacheControl: 'no-cache',
      headers: pageSecurityHeaders(),
    }),
  );
  // Revalidated too: the ETag spares the download, and a page never runs last release's script.
  router.get(
    storefrontScriptPath,
    serveStaticAsset({ body: script, type: 'text/javascript; charset=utf-8', cacheControl: 'no-cache' }),
  );
  router.get(
    storefrontStylePath,
    serveStaticAsset({ body: style, type: 'text/css; charset=utf-8', cacheControl: 'no-cache' }),
  );
  return { router, prefixes: [storefrontAssetsPath], exactPaths: [storefrontPath] };
}
