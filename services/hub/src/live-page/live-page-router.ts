import { readFileSync } from 'node:fs';
import type Router from '@koa/router';
import { serveStaticAsset } from '@shop/kit';
import { clientLibraryPath, livePageHtml, livePagePath, livePageSecurityHeaders } from './live-stock-page';

/**
 * The client as its package ships it for browsers, read once at start: a hub whose image lacks the package fails
 * to start instead of serving a page that cannot connect.
 */
function clientLibrary(): Buffer {
  return readFileSync(require.resolve('@microsoft/signalr/dist/browser/signalr.min.js'));
}

/**
 * Adds the live-stock page to the hub's router: `GET /hubs/inventory/live?productId=` and the client library it
 * loads. Both sit under the hub's public `/hubs`, so the embedded edge, the gateway and the Ingress serve them
 * with the hub.
 */
export function withLivePage(router: Router): Router {
  const page = serveStaticAsset({
    body: Buffer.from(livePageHtml, 'utf8'),
    type: 'text/html; charset=utf-8',
    // Revalidated on every load, so a new release's page (and its script hashes) is seen at once.
    cacheControl: 'no-cache',
    headers: livePageSecurityHeaders,
  });
  const library = serveStaticAsset({
    body: clientLibrary(),
    type: 'text/javascript; charset=utf-8',
    cacheControl: 'public, max-age=3600',
  });
  router.get(livePagePath, page);
  router.get(clientLibraryPath, library);
  return router;
}
