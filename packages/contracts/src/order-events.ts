import Joi from 'joi';
import { eventContract } from './event-contract';
import type { Money } from './money';
import { instant, money, uuid } from './schema-parts';
import { topics } from './topics';

export interface OrderLine {
  productId: string;
  quantity: number;
  unitPrice: Money;
}

/** orders.order-placed: inventory reserves the lines for `orderId`. */
export interface OrderPlaced {
  orderId: string;
  customerId: string;
  items: OrderLine[];
  total: Money;
  /** The card as the payments service vaulted it at placement (POST /internal/payment-methods); never the card. */
  paymentMethodId: string;
  placedAt: string;
}

export interface OrderStatusEvent {
  orderId: string;
  customerId: string;
  status: 'Pending' | 'Paid' | 'Shipped' | 'Delivered' | 'Failed' | 'Cancelled';
  at: string;
  failureReason?: 'OutOfStock' | 'PaymentDeclined' | 'ReservationExpired';
  /** Extension (for notifications): the order's total. */
  total?: Money;
  /** Extension: the last four digits of the order's card (never more of it). */
  cardLast4?: string;
  /** Extension: on orders.order-shipped, the parcel's tracking number when the shipper gave one. */
  trackingNumber?: string;
  /** Extension: on orders.order-cancelled, what goes back to the card (the total of a paid order). */
  refund?: Money;
}

export const OrderPlaced = eventContract<OrderPlaced>(
  topics.orderPlaced,
  Joi.object<OrderPlaced, true>({
    orderId: uuid.required(),
    customerId: uuid.required(),
    items: Joi.array()
      .items(
        Joi.object<OrderLine, true>({
          productId: uuid.required(),
          quantity: Joi.number().integer().min(1).required(),
          unitPrice: money.required(),
        }),
      )
      .min(1)
      .required(),
    total: money.required(),
    paymentMethodId: Joi.string().min(1).max(64).required(),
    placedAt: instant.required(),
  }),
);

const orderStatus = (status: OrderStatusEvent['status']) =>
  Joi.object<OrderStatusEvent, true>({
    orderId: uuid.required(),
    customerId: uuid.required(),
    status: Joi.string().valid(status).required(),
    at: instant.required(),
    failureReason: Joi.string().valid('OutOfStock', 'PaymentDeclined', 'ReservationExpired'),
    total: money,
    cardLast4: Joi.string().pattern(/^\d{4}$/),
    trackingNumber: Joi.string().min(1).max(100),
    refund: money,
  });

/** Each status change has its own topic; its `status` is that topic's. */
export const OrderPaid = eventContract<OrderStatusEvent>(topics.orderPaid, orderStatus('Paid'));
export const OrderFailed = eventContract<OrderStatusEvent>(
  topics.orderFailed,
  orderStatus('Failed').keys({
    failureReason: Joi.string().valid('OutOfStock', 'PaymentDeclined', 'ReservationExpired').required(),
  }),
);
export const OrderCancelled = eventContract<OrderStatusEvent>(topics.orderCancelled, orderStatus('Cancelled'));
export const OrderShipped = eventContract<OrderStatusEvent>(topics.orderShipped, orderStatus('Shipped'));
export const OrderDelivered = eventContract<OrderStatusEvent>(topics.orderDelivered, orderStatus('Delivered'));
