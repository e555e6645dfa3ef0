import Joi from 'joi';
import { eventContract } from './event-contract';
import type { Money } from './money';
import type { OrderLine } from './order-events';
import { instant, money, uuid } from './schema-parts';
import { topics } from './topics';

/** carts.cart-checked-out: a customer's cart became order `orderId` (the cart is emptied of these lines). */
export interface CartCheckedOut {
  cartId: string;
  customerId: string;
  orderId: string;
  items: OrderLine[];
  total: Money;
  checkedOutAt: string;
}

export const CartCheckedOut = eventContract<CartCheckedOut>(
  topics.cartCheckedOut,
  Joi.object<CartCheckedOut, true>({
    cartId: uuid.required(),
    customerId: uuid.required(),
    orderId: uuid.required(),
    items: Joi.array()
      .items(
        Joi.object<OrderLine, true>({
          productId: uuid.required(),
          quantity: Joi.number().integer().min(1).max(99).required(),
          unitPrice: money.required(),
        }),
      )
      .min(1)
      .required(),
    total: money.required(),
    checkedOutAt: instant.required(),
  }),
);
