import { createHash } from 'node:crypto';
import type { ApiRoutes, HandlerContext, ReadyRead, StoredResponse } from '@shop/kit';
import { handlerContext, noneMatch, problem } from '@shop/kit';
import Joi from 'joi';
import type { Context } from 'koa';
import { archiveProduct } from '../application/archive-product';
import { type CreateProduct, createProductIn } from '../application/create-product';
import { getProduct } from '../application/get-product';
import type { CatalogDeps, CatalogTx } from '../application/ports';
import { searchProducts } from '../application/search-products';
import { updateProduct } from '../application/update-product';
import { type Product, type ProductView, productEtag, productView } from '../domain/product';
import type { ProductSearch } from '../domain/product-search';
import { ifMatchVersions } from './conditional-requests';
import { pathId } from './path-ids';
import { invalidField, notFound } from './problems';
import { idParams, productBody, productList, productSearchQuery, productView as productViewSchema } from './schemas';

const problemsOnWrite = {
  400: { description: 'Invalid body, naming every bad field (an unknown categoryId is body.categoryId)' },
  401: { description: 'No valid access token' },
  403: { description: 'The caller is not an admin' },
  409: { description: 'Another product has this sku (compared case-insensitively)' },
};

const unknownCategory = () => invalidField('body.categoryId', 'categoryId names no category');
const duplicateSku = (sku: string) =>
  problem(409, 'Duplicate SKU', {
    detail: `A product with sku ${sku} already exists.`,
    errors: [{ path: 'body.sku', message: 'is already used by another product' }],
  });

/** The kit's respondIdempotently on the catalog's DataSource. */
export type IdempotentWrite = (
  ctx: Context,
  scope: string,
  work: (tx: CatalogTx) => Promise<StoredResponse>,
) => Promise<void>;

// Keys are the caller's own; the kit caps a scope at 100 characters and a token subject may be longer.
const createScope = (ctx: Context) =>
  `catalog:create-product:${createHash('sha256')
    .update(ctx.state.caller?.id ?? '')
    .digest('base64url')}`;

const productRoute = '/api/products/:id';
const productPathPrefix = '/api/products/';

/**
 * GET /api/products/:id for the host to answer ahead of the Koa pipeline: a product that exists is read the
 * one way (getProduct: the cache, else the database filling it); a path the route would refuse, or a product
 * that does not exist, is left to the route's validation and its 404.
 */
export function productReadyRead(deps: CatalogDeps): ReadyRead {
  // Answered before the Koa pipeline, so there is no request context: an anonymous read with the service's logger.
  const readyContext: HandlerContext = { log: deps.log };
  return {
    route: productRoute,
    keyOf: (path) => (path.startsWith(productPathPrefix) ? pathId(path.slice(productPathPrefix.length)) : undefined),
    answer: (id) => getProduct(readyContext, { id }, deps),
  };
}

export function productRoutes(api: ApiRoutes, deps: CatalogDeps, idempotentWrite: IdempotentWrite): void {
  api.get(
    '/api/products',
    {
      summary: 'Search active products',
      access: 'anyone',
      request: { query: productSearchQuery },
      responses: {
        200: { description: 'A page of products and the cursor of the next one (null on the last)', body: productList },
        400: { description: 'Invalid parameters, or a cursor this API did not issue for this sort (query.cursor)' },
      },
    },
    async (ctx) => {
      const search = ctx.state.query as ProductSearch;
      const result = await searchProducts(handlerContext(ctx), search, deps);
      if (!result.ok) throw invalidField('query.cursor', `cursor ${result.detail}`);
      ctx.body = { items: result.items.map(productView), nextCursor: result.nextCursor };
    },
  );

  api.get(
    productRoute,
    {
      summary: 'A product, with an ETag; If-None-Match answers 304',
      access: 'anyone',
      request: { params: idParams },
      responses: {
        200: { description: 'The product', body: productViewSchema },
        304: { description: 'Not modified since the ETag in If-None-Match' },
        404: { description: 'No such product, or it was deleted (archived)' },
      },
    },
    // The benchmarked route: a cache hit is one state-store get, and the cached JSON goes out as it is. Anonymous
    // reads of an existing product are answered ahead of this pipeline (productReadyRead); this answers the rest.
    async (ctx) => {
      const id = pathId(ctx.params.id);
      const product = id === undefined ? undefined : await getProduct(handlerContext(ctx), { id }, deps);
      if (!product) throw notFound('product');
      ctx.set('ETag', product.etag);
      if (!noneMatch(ctx.get('if-none-match'), product.etag)) {
        ctx.status = 304;
        return;
      }
      ctx.type = 'application/json';
      ctx.body = product.json;
    },
  );

  api.post(
    '/api/products',
    {
      summary: 'Create a product (Idempotency-Key: a retry with the same key and body replays the first answer)',
      access: 'admin',
      request: {
        body: productBody,
        headers: Joi.object({ 'idempotency-key': Joi.string().max(255).description('Makes a retry safe') }),
      },
      responses: {
        201: { description: 'The product', body: productViewSchema },
        ...problemsOnWrite,
        409: { description: 'Another product has this sku, or the Idempotency-Key was used for another body' },
      },
    },
    async (ctx) => {
      const input = ctx.request.body as CreateProduct;
      let created: Product | undefined;
      await idempotentWrite(ctx, createScope(ctx), async (tx) => {
        const result = await createProductIn(handlerContext(ctx), input, { tx });
        // Thrown, not stored: a retry with the same key runs again and may succeed (the category may exist by then).
        if (!result.ok) throw result.reason === 'unknown-category' ? unknownCategory() : duplicateSku(input.sku);
        created = result.product;
        return { status: 201, body: productView(result.product) };
      });
      ctx.set('Location', `/api/products/${(ctx.body as ProductView).id}`);
      // A replayed answer may be stale by now; only a fresh one names the current version.
      if (created) ctx.set('ETag', productEtag(created));
    },
  );

  api.put(
    productRoute,
    {
      summary: 'Replace a product (If-Match: an ETag makes it conditional)',
      access: 'admin',
      request: {
        params: idParams,
        body: productBody,
        headers: Joi.object({ 'if-match': Joi.string().max(1_000).description('An ETag of GET, or *') }),
      },
      responses: {
        200: { description: 'The product', body: productViewSchema },
        ...problemsOnWrite,
        404: { description: 'No such product, or it was deleted (archived)' },
        412: { description: 'The product changed since the ETag in If-Match' },
      },
    },
    async (ctx) => {
      const id = pathId(ctx.params.id);
      if (id === undefined) throw notFound('product');
      const ifMatch = ifMatchVersions(ctx.get('if-match'));
      // initialStock is part of the shared body but means nothing after creation: inventory owns stock.
      const { initialStock: _ignored, ...draft } = ctx.request.body as CreateProduct;
      const result = await updateProduct(
        handlerContext(ctx),
        { id, draft, expected: ifMatch === 'any' ? undefined : ifMatch },
        deps,
      );
      if (!result.ok) {
        if (result.reason === 'not-found') throw notFound('product');
        if (result.reason === 'unknown-category') throw unknownCategory();
        if (result.reason === 'duplicate-sku') throw duplicateSku(draft.sku);
        throw problem(412, 'Precondition Failed', {
          detail: 'The product changed since the ETag in If-Match was issued; GET it again.',
        });
      }
      ctx.set('ETag', productEtag(result.product));
      ctx.body = productView(result.product);
    },
  );

  api.delete(
    productRoute,
    {
      summary: 'Delete (archive) a product',
      access: 'admin',
      request: { params: idParams },
      responses: {
        204: { description: 'Archived: it no longer appears in searches, and GET answers 404' },
        401: problemsOnWrite[401],
        403: problemsOnWrite[403],
        404: { description: 'No such product, or it was already deleted' },
      },
    },
    async (ctx) => {
      const id = pathId(ctx.params.id);
      if (id === undefined || !(await archiveProduct(handlerContext(ctx), { id }, deps)).ok) throw notFound('product');
      ctx.status = 204;
    },
  );
}
