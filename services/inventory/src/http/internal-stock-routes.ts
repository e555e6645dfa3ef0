import { type ApiRoutes, problem } from '@shop/kit';
import Joi from 'joi';
import { levelsOf } from '../domain/stock-levels';
import type { HttpDeps } from './http-deps';
import { levelsBody, productIdParams } from './schemas';

const versionedLevelsBody = levelsBody.keys({
  // As inventory.stock-changed carries it (@shop/contracts): items open at version 1.
  version: Joi.number().integer().min(1).required(),
  at: Joi.string().isoDate().required(),
});

/**
 * A product's levels with the version they carry, by service invocation. Consumers that also receive
 * `inventory.stock-changed` (the hub) order a read against the events by this version, so a late older event
 * never overwrites a newer read. The public `GET /api/inventory/:productId` keeps the contract's exact body.
 */
export function addInternalStockRoutes(api: ApiRoutes, deps: HttpDeps): void {
  api.get(
    '/internal/stock/:productId',
    {
      summary: "A product's stock levels with their version and the time of their last change",
      access: 'internal',
      request: { params: productIdParams },
      responses: {
        200: { description: 'The levels, version and change time', body: versionedLevelsBody },
        404: { description: 'No stock item for this product' },
      },
    },
    async (ctx) => {
      const { productId } = ctx.params as { productId: string };
      const item = await deps.run((tx) => tx.stock.findItem(productId));
      if (!item) throw problem(404, 'Not Found', { detail: `No stock item for product ${productId}` });
      ctx.body = { ...levelsOf(item), version: item.version, at: item.updatedAt.toISOString() };
    },
  );
}
