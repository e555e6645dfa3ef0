import { CartCheckedOut, type EventEnvelope, type Topic } from '@shop/contracts';
import { v5 as nameBasedUuid } from 'uuid';
import type { PlacedOrder } from './ports';

// Fixed once: the id of a checkout's event is derived from its order, so every repeat of it is one event.
const checkedOutEventNamespace = '6f0b8a52-3d47-4e1c-a2f9-0c5d9e7b4a13';

/**
 * `carts.cart-checked-out` for an order orders accepted. It is made of the order alone, its id name-based on the
 * order id and its instant the order's: a checkout finished twice (its request and a later recovery) publishes the
 * very same event, which consumers drop as a duplicate.
 */
export function cartCheckedOut(input: { cartId: string; customerId: string; order: PlacedOrder }): {
  topic: Topic;
  envelope: EventEnvelope<CartCheckedOut>;
} {
  const { topic } = CartCheckedOut;
  const { order } = input;
  return {
    topic,
    envelope: {
      id: nameBasedUuid(order.id, checkedOutEventNamespace),
      type: topic,
      occurredAt: order.createdAt,
      data: {
        cartId: input.cartId,
        customerId: input.customerId,
        orderId: order.id,
        items: order.items.map(({ productId, quantity, unitPrice }) => ({ productId, quantity, unitPrice })),
        total: order.total,
        checkedOutAt: order.createdAt,
      },
    },
  };
}
