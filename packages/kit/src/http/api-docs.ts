import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import Router from '@koa/router';

/**
 * A document without its `/internal/` paths: those are reached by service invocation only, never through the
 * public origin, so a published document must not list them.
 */
export function publicDocument(document: object): object {
  const paths = (document as { paths?: Record<string, unknown> }).paths;
  if (!paths) return document;
  const publicPaths = Object.fromEntries(Object.entries(paths).filter(([path]) => !path.startsWith('/internal/')));
  return { ...document, paths: publicPaths };
}

/** Serves each service's OpenAPI document, its public paths only, at /openapi/<service>.json. */
export function openApiRouter(documents: Array<{ service: string; document: object }>): Router {
  const router = new Router();
  for (const { service, document } of documents) {
    const body = JSON.stringify(publicDocument(document));
    router.get(`/openapi/${service}.json`, (ctx) => {
      ctx.type = 'application/json';
      ctx.body = body;
    });
  }
  return router;
}

const assets = new Set([
  'swagger-ui.css',
  'swagger-ui-bundle.js',
  'swagger-ui-standalone-preset.js',
  'favicon-32x32.png',
]);

/**
 * Swagger UI at /docs for the given services' documents, served from the swagger-ui-dist package so the
 * page works without reaching any CDN.
 */
export function swaggerUiRouter(services: () => string[]): Router {
  const router = new Router();
  const assetDir = dirname(require.resolve('swagger-ui-dist/package.json'));
  router.get('/docs', (ctx) => {
    const urls = services().map((service) => ({ name: service, url: `/openapi/${service}.json` }));
    ctx.type = 'text/html';
    ctx.body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Shop platform API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"><link rel="icon" href="/docs/favicon-32x32.png"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script><script src="/docs/swagger-ui-standalone-preset.js"></script>
<script>window.ui = SwaggerUIBundle({ urls: ${JSON.stringify(urls).replace(/</g, '\\u003c')}, dom_id: '#swagger-ui',
presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' });</script>
</body></html>`;
  });
  router.get('/docs/:asset', async (ctx) => {
    const asset = ctx.params.asset ?? '';
    if (!assets.has(asset)) return;
    ctx.type = asset.slice(asset.lastIndexOf('.'));
    ctx.set('Cache-Control', 'public, max-age=86400');
    ctx.body = await readFile(join(assetDir, asset));
  });
  return router;
}
