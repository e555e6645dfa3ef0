import { randomUUID } from 'node:crypto';
import { cardRequest, orderLimits, shippingAddressRequest } from '@shop/contracts';
import {
  type ApiRoutes,
  type Caller,
  type FieldError,
  handlerContext,
  idempotencyKeyOf,
  invalidRequest,
  problem,
} from '@shop/kit';
import Joi from 'joi';
import { type CheckoutDeps, type CheckoutResult, checkout, type UnavailableLine } from '../application/checkout';
import type { CheckoutOutcome } from '../application/ports';

// The same schemas as POST /api/orders: a body orders would refuse is refused here first, with the same names.
const checkoutBody = Joi.object({
  shippingAddress: shippingAddressRequest.required(),
  payment: cardRequest.required(),
});

const money = Joi.object({ amount: Joi.number().integer(), currency: Joi.string() });
const orderView = Joi.object({
  id: Joi.string().uuid(),
  customerId: Joi.string().uuid(),
  status: Joi.string(),
  items: Joi.array().items(
    Joi.object({ productId: Joi.string().uuid(), quantity: Joi.number().integer(), unitPrice: money }),
  ),
  total: money,
  createdAt: Joi.string().isoDate(),
  updatedAt: Joi.string().isoDate(),
}).description("orders' answer to POST /api/orders, as it is");

/** POST /api/cart/checkout. */
export function checkoutRoutes(api: ApiRoutes, deps: CheckoutDeps): void {
  api.post(
    '/api/cart/checkout',
    {
      summary: "Place the customer's cart as an order; the cart is emptied once orders accepts it",
      access: 'customer',
      request: {
        body: checkoutBody,
        headers: Joi.object({
          'idempotency-key': Joi.string()
            .max(255)
            .description('as for POST /api/orders: a retry with the same key and body answers the first answer'),
        }).unknown(),
      },
      responses: {
        202: { description: 'The order orders accepted (Pending), with the cart’s lines', body: orderView },
        400: { description: "A field of the body is invalid, or orders refused one (orders' answer)" },
        409: {
          description:
            'The cart is empty, a line is archived or above what is available, another checkout holds the cart, ' +
            'the key was used with another body, or orders refused the order',
        },
        503: { description: 'Orders could not be reached; the cart is as it was (Retry-After)' },
      },
    },
    async (ctx) => {
      const customerId = (ctx.state.caller as Caller).id;
      const result = await checkout(
        handlerContext(ctx),
        {
          customerId,
          // Without a key, as orders does without one: this request is a checkout of its own.
          idempotencyKey: idempotencyKeyOf(ctx) ?? randomUUID(),
          body: ctx.request.body as { shippingAddress: unknown; payment: unknown },
          authorization: ctx.get('authorization'),
          requestId: ctx.state.requestId,
        },
        deps,
      );
      deps.metrics.checkedOut(outcomeOf(result));
      if (!result.ok) throw refusal(result);
      if (result.outcome === 'replayed') ctx.set('Idempotent-Replayed', 'true');
      ctx.set('Location', `/api/orders/${result.orderId}`);
      ctx.status = result.status;
      ctx.body = result.body;
    },
  );
}

function outcomeOf(result: CheckoutResult): CheckoutOutcome {
  if (result.ok) return result.outcome;
  switch (result.reason) {
    case 'empty':
      return 'empty';
    case 'too-many-lines':
    case 'unavailable-lines':
      return 'unavailable';
    case 'key-reused':
    case 'in-progress':
    case 'busy':
      return 'conflict';
    case 'refused':
      return 'refused';
    case 'orders-unavailable':
      return 'unavailable_orders';
  }
}

function refusal(result: Exclude<CheckoutResult, { ok: true }>) {
  switch (result.reason) {
    case 'key-reused':
      return problem(409, 'Idempotency key reused', {
        detail: 'This Idempotency-Key was already used with a different request.',
      });
    case 'in-progress':
      return result.sameKey
        ? problem(409, 'Request in progress', {
            detail: 'The first request with this Idempotency-Key has not finished; retry shortly.',
            headers: { 'Retry-After': '1' },
          })
        : problem(409, 'Checkout in progress', {
            detail: 'Another checkout of this cart is under way; the cart cannot be checked out twice.',
          });
    case 'empty':
      return problem(409, 'Cart is empty', { detail: 'There is nothing in the cart to check out.' });
    case 'too-many-lines':
      return problem(409, 'Cart cannot be checked out', {
        detail: `An order takes at most ${orderLimits.maxLines} different products; the cart has ${result.lines}.`,
      });
    case 'unavailable-lines':
      return problem(409, 'Cart cannot be checked out', {
        detail: result.lines.map(describeLine).join(' '),
        extensions: { products: result.lines },
      });
    case 'refused':
      return ordersRefusal(result.status, result.body);
    case 'orders-unavailable':
      return problem(503, 'Service Unavailable', {
        detail: 'The order could not be placed now (orders did not answer); the cart is unchanged, retry shortly.',
        headers: { 'Retry-After': '2' },
      });
    case 'busy':
      return problem(503, 'Service Unavailable', {
        detail: 'The cart kept changing while the checkout began; nothing was placed, retry shortly.',
        headers: { 'Retry-After': '1' },
      });
  }
}

function describeLine(line: UnavailableLine): string {
  const product = line.name ? `${line.name} (${line.productId})` : `Product ${line.productId}`;
  if (line.reason === 'unknown') return `${product} is not in the catalog.`;
  if (line.reason === 'archived') return `${product} is no longer sold.`;
  return `${product}: ${line.quantity} in the cart, ${line.available} available.`;
}

/** Orders' 400 names the fields it refused: the same 400. Any other refusal is a conflict with its reason. */
function ordersRefusal(status: number, body: unknown) {
  const answer = (body ?? {}) as { title?: unknown; detail?: unknown; errors?: unknown };
  const detail = typeof answer.detail === 'string' ? answer.detail : undefined;
  if (status === 400 && Array.isArray(answer.errors)) return invalidRequest(answer.errors as FieldError[]);
  if (status === 400) return problem(400, 'Invalid request', detail ? { detail } : {});
  const title = typeof answer.title === 'string' ? answer.title : `orders answered ${status}`;
  return problem(409, 'Order refused', { detail: detail ? `${title}: ${detail}` : title });
}
