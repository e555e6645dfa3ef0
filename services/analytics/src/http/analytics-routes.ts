import { type ApiRoutes, handlerContext, invalidRequest } from '@shop/kit';
import type { Context } from 'koa';
import type { ReadDeps } from '../application/ports';
import { type Range, salesSeries, stockOutlook, summaryOf, topProducts } from '../application/read-metrics';
import { reportRange } from '../domain/report-range';
import type { Interval } from '../domain/time-buckets';
import * as schemas from './schemas';

/** The range of a report from the validated query, or 400 naming the field that makes it invalid. */
function rangeOf(ctx: Context, deps: ReadDeps): Range {
  const query = ctx.state.query as { from?: Date; to?: Date };
  const range = reportRange(query, deps.clock.now());
  if (!range.ok) throw invalidRequest([{ path: `query.${range.field}`, message: `${range.field} ${range.message}` }]);
  return { from: range.from, to: range.to };
}

const rangeDescription = 'ISO 8601 instants; `to` defaults to now, `from` to 30 days before `to`; at most 366 days';

export function analyticsRoutes(api: ApiRoutes, deps: ReadDeps): void {
  api.get(
    '/api/analytics/summary',
    {
      summary: `Orders, revenue and average order value per currency, customers registered (${rangeDescription})`,
      access: 'admin',
      request: { query: schemas.rangeQuery },
      responses: { 200: { description: 'The figures of the range', body: schemas.summary } },
    },
    async (ctx) => {
      ctx.body = await summaryOf(handlerContext(ctx), rangeOf(ctx, deps), deps);
    },
  );

  api.get(
    '/api/analytics/sales',
    {
      summary: 'Paid orders and revenue per hour or UTC day, every bucket of the range present (zeros when empty)',
      access: 'admin',
      request: { query: schemas.salesQuery },
      responses: { 200: { description: 'The series', body: schemas.sales } },
    },
    async (ctx) => {
      const { interval } = ctx.state.query as { interval: Interval };
      ctx.body = await salesSeries(handlerContext(ctx), { ...rangeOf(ctx, deps), interval }, deps);
    },
  );

  api.get(
    '/api/analytics/top-products',
    {
      summary: 'The products with the most units sold in the range, most sold first',
      access: 'admin',
      request: { query: schemas.topProductsQuery },
      responses: { 200: { description: 'The products', body: schemas.topProducts } },
    },
    async (ctx) => {
      const { limit } = ctx.state.query as { limit: number };
      ctx.body = await topProducts(handlerContext(ctx), { ...rangeOf(ctx, deps), limit }, deps);
    },
  );

  api.get(
    '/api/analytics/stock-outlook',
    {
      summary: 'Available stock, daily demand and days to stock-out per product, soonest stock-out first',
      access: 'admin',
      request: { query: schemas.stockOutlookQuery },
      responses: { 200: { description: 'The products', body: schemas.stockOutlook } },
    },
    async (ctx) => {
      const { limit } = ctx.state.query as { limit: number };
      ctx.body = await stockOutlook(handlerContext(ctx), { limit }, deps);
    },
  );
}
