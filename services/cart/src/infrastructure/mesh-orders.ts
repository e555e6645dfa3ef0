import type { InvokeResponse, Logger, Mesh } from '@shop/kit';
import Joi from 'joi';
import type { Orders, PlacedOrder, Placement } from '../application/ports';

const money = Joi.object({ amount: Joi.number().integer().min(0).required(), currency: Joi.string().required() });

/** What the cart reads of orders' order view; everything else in it is passed on untouched. */
const placedOrder = Joi.object<PlacedOrder>({
  id: Joi.string().required(),
  items: Joi.array()
    .items(
      Joi.object({
        productId: Joi.string().required(),
        quantity: Joi.number().integer().min(1).required(),
        unitPrice: money.required(),
      }).unknown(),
    )
    .min(1)
    .required(),
  total: money.required(),
  createdAt: Joi.string().isoDate().required(),
}).unknown();

/** The order part of orders' answer, or undefined when it is not an order. */
function placedOrderOf(body: unknown): PlacedOrder | undefined {
  const { error, value } = placedOrder.validate(body, { stripUnknown: true });
  return error ? undefined : value;
}

/**
 * The orders service by service invocation (app id `orders`): POST /api/orders and GET /api/orders/:id with the
 * customer's own token, so orders places and shows the order for that customer and checks its access as for any
 * client. The Idempotency-Key and the request id flow through.
 */
export function meshOrders(mesh: Mesh, log: Logger): Orders {
  const call = async (path: string, init: Parameters<Mesh['invoke']>[2]): Promise<InvokeResponse | Error> => {
    try {
      return await mesh.invoke('orders', path, init);
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  };

  return {
    async place(request): Promise<Placement> {
      const response = await call('/api/orders', {
        method: 'POST',
        body: { items: request.items, shippingAddress: request.shippingAddress, payment: request.payment },
        headers: {
          authorization: request.authorization,
          'idempotency-key': request.idempotencyKey,
          ...(request.requestId ? { 'x-request-id': request.requestId } : {}),
        },
      });
      if (response instanceof Error) return { outcome: 'unavailable', reason: response.message };
      const { status, body } = response;
      if (status >= 200 && status < 300) {
        const order = placedOrderOf(body);
        if (order) return { outcome: 'accepted', status, body, order };
        log.error({ status }, 'orders accepted a checkout with an answer that is not an order');
        return { outcome: 'unavailable', reason: `orders answered ${status} without an order` };
      }
      if (status >= 400 && status < 500) return { outcome: 'refused', status, body };
      return { outcome: 'unavailable', reason: `orders answered ${status}` };
    },

    async find(orderId, authorization) {
      const response = await call(`/api/orders/${encodeURIComponent(orderId)}`, {
        method: 'GET',
        headers: { authorization },
      });
      if (response instanceof Error) return 'unavailable';
      if (response.status === 404) return 'absent';
      const order = response.status === 200 ? placedOrderOf(response.body) : undefined;
      return order ? { order, body: response.body } : 'unavailable';
    },
  };
}
