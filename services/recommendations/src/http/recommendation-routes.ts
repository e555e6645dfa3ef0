import { type ApiRoutes, type Caller, dependencyProblems, handlerContext, noneMatch, problem } from '@shop/kit';
import Joi from 'joi';
import { type RecommendationReads, recommendForCustomer, recommendForProduct } from '../application/recommend';
import { recommendationsAnswer } from './ready-recommendations';

/** The longest list one answer may hold. */
export const maxLimit = 50;
export const defaultLimit = 5;

const limitQuery = Joi.object({
  limit: Joi.number().integer().min(1).max(maxLimit).default(defaultLimit).description('How many, 1..50'),
});

const money = Joi.object({ amount: Joi.number().integer(), currency: Joi.string() });
const answer = Joi.object({
  items: Joi.array().items(
    Joi.object({
      productId: Joi.string().guid(),
      name: Joi.string(),
      price: money,
      score: Joi.number()
        .min(0)
        .max(1)
        .description('Similarity of what was bought together (0 for a bestseller of the category topping the list up)'),
    }),
  ),
});

/** Product ids are lowercase UUIDs in the catalog; anything else names no product. */
const productId = Joi.string().guid();

export function recommendationRoutes(api: ApiRoutes, reads: RecommendationReads): void {
  api.use(dependencyProblems);
  api.get(
    '/api/products/:id/recommendations',
    {
      summary:
        'Products bought together with this one in paid orders, most similar first, topped up with bestsellers of its category; never itself, archived or unavailable products',
      access: 'anyone',
      request: { params: Joi.object({ id: Joi.string().max(100).required() }), query: limitQuery },
      responses: {
        200: { description: 'The recommendations, with an ETag', body: answer },
        304: { description: 'Not modified since the ETag in If-None-Match' },
        404: { description: 'No product has this id' },
      },
    },
    async (ctx) => {
      const id = String(ctx.params.id);
      const { limit } = ctx.state.query as { limit: number };
      const noSuchProduct = () => problem(404, undefined, { detail: 'No product has this id.' });
      if (productId.validate(id).error) throw noSuchProduct();
      const result = await recommendForProduct(handlerContext(ctx), { productId: id.toLowerCase(), limit }, reads);
      if (!result.ok) throw noSuchProduct();
      // As the ready read answers it (http/ready-recommendations.ts): the same JSON and ETag, 304 on a match.
      const { json, etag } = recommendationsAnswer(result.items);
      ctx.set('ETag', etag);
      if (!noneMatch(ctx.get('If-None-Match'), etag)) {
        ctx.status = 304;
        return;
      }
      ctx.type = 'application/json';
      ctx.body = json;
    },
  );

  api.get(
    '/api/customers/me/recommendations',
    {
      summary:
        'Products for the caller from what they bought (the neighbours of their purchases), never what they bought',
      access: 'customer',
      request: { query: limitQuery },
      responses: { 200: { description: 'The recommendations', body: answer } },
    },
    async (ctx) => {
      const { id: customerId } = ctx.state.caller as Caller;
      const { limit } = ctx.state.query as { limit: number };
      ctx.body = { items: await recommendForCustomer(handlerContext(ctx), { customerId, limit }, reads) };
    },
  );
}
