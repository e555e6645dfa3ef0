import type Router from '@koa/router';
import { pageSecurityHeaders, serveStaticAsset } from '@shop/kit';
import { buildDashboardAssets } from './dashboard-assets';
import { dashboardHtml, dashboardPath, dashboardScriptPath, dashboardStylePath } from './dashboard-page';

/**
 * Adds the admin dashboard to the analytics router: the page at `/admin`, its script and style beside it. They sit
 * under the service's public `/admin`, so the embedded edge, the gateway and the Ingress serve them on the same
 * origin as the API the page reads. The page itself is public (it holds no data); every figure comes from the
 * admin-only API with the token the admin signs in for.
 */
export async function withDashboard(router: Router): Promise<Router> {
  const assets = await buildDashboardAssets();
  const page = serveStaticAsset({
    body: Buffer.from(dashboardHtml, 'utf8'),
    type: 'text/html; charset=utf-8',
    // Revalidated on every load, so a new release's page is seen at once.
    cacheControl: 'no-cache',
    // Only the page's own script and style run, and it talks to its own origin only. Chart.js sets its canvas's
    // size through the CSSOM, which style-src does not govern.
    headers: pageSecurityHeaders(),
  });
  // Revalidated too: the ETag spares the download, and a page never runs last release's script.
  const script = serveStaticAsset({
    body: assets.script,
    type: 'text/javascript; charset=utf-8',
    cacheControl: 'no-cache',
  });
  const style = serveStaticAsset({ body: assets.style, type: 'text/css; charset=utf-8', cacheControl: 'no-cache' });
  router.get(dashboardPath, page);
  router.get(dashboardScriptPath, script);
  router.get(dashboardStylePath, style);
  return router;
}
