import { type ApiRoutes, handlerContext } from '@shop/kit';
import { lookUpProducts } from '../application/look-up-products';
import type { CatalogDeps } from '../application/ports';
import { lookupBody, lookupResult } from './schemas';

/**
 * Routes other services reach by service invocation. Not public: the Dapr topology's gateway forwards only
 * publicPaths, and they are left out of the OpenAPI document.
 */
export function internalRoutes(api: ApiRoutes, deps: CatalogDeps): void {
  api.post(
    '/internal/products/lookup',
    {
      summary: 'Authoritative sku, name, price and status of products (orders prices an order with these)',
      access: 'internal',
      request: { body: lookupBody },
      responses: {
        200: { description: 'The products found, in the order asked; unknown ids are left out', body: lookupResult },
      },
    },
    async (ctx) => {
      ctx.body = { items: await lookUpProducts(handlerContext(ctx), ctx.request.body as { ids: string[] }, deps) };
    },
  );
}
