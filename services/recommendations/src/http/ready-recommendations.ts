import { createHash } from 'node:crypto';
import type { ReadyAnswer, ReadyRead } from '@shop/kit';
import type { Recommendation } from '../application/recommend';

const routePattern =
  /^\/api\/products\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/recommendations$/;
const plainLimit = /^limit=([1-9][0-9]?)$/;

/** The answer's JSON and its ETag: the same whether the ready read or the route sends it. */
export function recommendationsAnswer(items: Recommendation[]): ReadyAnswer {
  const json = JSON.stringify({ items });
  return { json, etag: `W/"${createHash('sha1').update(json).digest('base64url').slice(0, 22)}"` };
}

/**
 * GET /api/products/:id/recommendations answered ahead of the Koa pipeline (the hot read: its lists are in memory
 * already, and the pipeline's middleware would cost more than the rest of it). Only the plain form: a lowercase
 * UUID and no query or a limit of 1..50 written plainly; anything else, and an unknown product, goes the full way
 * (its validation, its 400 and 404).
 */
export function recommendationsReadyRead(
  answer: (productId: string, limit: number) => Promise<Recommendation[] | undefined>,
  limits: { defaultLimit: number; maxLimit: number },
): ReadyRead {
  return {
    route: '/api/products/:id/recommendations',
    keyOf(path, query) {
      const id = routePattern.exec(path)?.[1];
      if (!id) return undefined;
      if (query === '') return `${id} ${limits.defaultLimit}`;
      const limit = Number(plainLimit.exec(query)?.[1]);
      return limit >= 1 && limit <= limits.maxLimit ? `${id} ${limit}` : undefined;
    },
    async answer(key) {
      const [id = '', limit = ''] = key.split(' ');
      const items = await answer(id, Number(limit));
      return items && recommendationsAnswer(items);
    },
  };
}
