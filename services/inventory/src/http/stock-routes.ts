import {
  type ApiRoutes,
  handlerContext,
  invalidCursor,
  problem,
  problemContentType,
  respondIdempotently,
} from '@shop/kit';
import { type AdjustResult, adjustStock } from '../application/adjust-stock';
import { getStockLevels, listStockItems } from '../application/stock-queries';
import type { HttpDeps } from './http-deps';
import { stockCursor, stockItemJson } from './presenters';
import {
  adjustmentRequest,
  idempotencyHeaders,
  levelsBody,
  productIdParams,
  stockListBody,
  stockListQuery,
} from './schemas';

/** The public stock routes: levels for anyone, the list and adjustments for admins. */
export function addStockRoutes(api: ApiRoutes, deps: HttpDeps): void {
  api.get(
    '/api/inventory',
    {
      summary: 'List stock items by product id (admin)',
      access: 'admin',
      request: { query: stockListQuery },
      responses: { 200: { description: 'A page of stock items', body: stockListBody } },
    },
    async (ctx) => {
      const query = ctx.state.query as { lowStock: boolean; limit: number; cursor?: string };
      let afterProductId: string | undefined;
      if (query.cursor !== undefined) {
        afterProductId = stockCursor.decode(query.cursor);
        if (afterProductId === undefined) throw invalidCursor();
      }
      const page = await deps.run((tx) =>
        listStockItems(
          handlerContext(ctx),
          { lowStockOnly: query.lowStock, limit: query.limit, ...(afterProductId ? { afterProductId } : {}) },
          { ...deps.inventory, tx },
        ),
      );
      ctx.body = {
        items: page.items.map(stockItemJson),
        nextCursor: page.lastProductId === null ? null : stockCursor.encode(page.lastProductId),
      };
    },
  );

  api.get(
    '/api/inventory/:productId',
    {
      summary: "A product's stock levels",
      access: 'anyone',
      request: { params: productIdParams },
      responses: {
        200: { description: 'The levels; available = onHand - reserved', body: levelsBody },
        404: { description: 'No stock item for this product' },
      },
    },
    async (ctx) => {
      const { productId } = ctx.params as { productId: string };
      const levels = await deps.run((tx) =>
        getStockLevels(handlerContext(ctx), { productId }, { ...deps.inventory, tx }),
      );
      if (!levels) throw problem(404, 'Not Found', { detail: `No stock item for product ${productId}` });
      ctx.body = levels;
    },
  );

  api.post(
    '/api/inventory/:productId/adjustments',
    {
      summary: "Correct a product's on-hand count (admin); accepts Idempotency-Key",
      access: 'admin',
      request: { params: productIdParams, headers: idempotencyHeaders, body: adjustmentRequest },
      responses: {
        200: { description: 'The new levels', body: levelsBody },
        404: { description: 'No stock item for this product' },
        409: { description: 'onHand would go below reserved (or above the maximum), or the key was reused' },
      },
    },
    async (ctx) => {
      const caller = ctx.state.caller!;
      const { productId } = ctx.params as { productId: string };
      const { delta, reason } = ctx.request.body as { delta: number; reason: string };
      await respondIdempotently(ctx, deps.db, `inventory:adjustments:${caller.id}`.slice(0, 100), async (tx) => {
        const result = await adjustStock(
          handlerContext(ctx),
          { productId, delta, reason, actorId: caller.id },
          { ...deps.inventory, tx: deps.unitOf(tx) },
        );
        if (result.ok) return { status: 200, body: result.levels };
        // A refusal is answered (and stored under the key) as the problem document it is.
        return tx.rollbackWith(refusal(result, delta));
      });
      if (ctx.status >= 400) ctx.type = problemContentType;
    },
  );
}

function refusal(result: Exclude<AdjustResult, { ok: true }>, delta: number) {
  const document = (() => {
    switch (result.reason) {
      case 'not-found':
        return problem(404, 'Not Found', { detail: 'No stock item for this product' }).problem;
      case 'below-reserved':
        return problem(409, 'Stock would go below reserved', {
          detail: `onHand ${result.levels.onHand} + delta ${delta} is below reserved ${result.levels.reserved}`,
          extensions: { levels: result.levels },
        }).problem;
      case 'above-maximum':
        return problem(409, 'Stock would exceed the maximum', {
          detail: `onHand ${result.levels.onHand} + delta ${delta} is above the maximum ${result.maximum}`,
          extensions: { levels: result.levels },
        }).problem;
    }
  })();
  return { status: document.status, body: document };
}
