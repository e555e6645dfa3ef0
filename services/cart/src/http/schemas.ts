import Joi from 'joi';
import { maxQuantity, minQuantity } from '../domain/cart';

const money = Joi.object({ amount: Joi.number().integer(), currency: Joi.string() });

export const cartView = Joi.object({
  id: Joi.string().description("The cart's id: a guest cart's is the secret that reaches it"),
  items: Joi.array().items(
    Joi.object({
      productId: Joi.string().uuid(),
      sku: Joi.string(),
      name: Joi.string(),
      quantity: Joi.number().integer().min(minQuantity).max(maxQuantity),
      unitPrice: money.description("The catalog's current price"),
      lineTotal: money,
      available: Joi.number().integer().min(0).description("Inventory's current available count (0 when archived)"),
      status: Joi.string().valid('active', 'archived'),
    }),
  ),
  total: money,
  itemCount: Joi.number().integer().min(0).description('The sum of the quantities'),
  updatedAt: Joi.string()
    .isoDate()
    .description('When the cart was last written; for a cart never written, the instant of the answer'),
  expiresAt: Joi.string().isoDate().description('A guest cart expires then unless written again before'),
});

export const productParams = Joi.object({ productId: Joi.string().uuid().required() });

/** Any string: a cart id we did not issue is 404, as an unknown one is (the id is a secret; nothing to tell apart). */
const cartId = Joi.string().max(200).description('A guest cart id (from POST /api/carts)');
export const cartParams = Joi.object({ cartId: cartId.required() });
export const cartProductParams = Joi.object({ cartId: cartId.required(), productId: Joi.string().uuid().required() });

export const lineBody = Joi.object({
  quantity: Joi.number().integer().min(minQuantity).max(maxQuantity).required(),
}).required();

export const mergeBody = Joi.object({ cartId: cartId.required() }).required();

export const ifMatchHeaders = Joi.object({
  'if-match': Joi.string().max(1_000).description('The ETag of the cart as last read (a stale one is 412), or *'),
});
