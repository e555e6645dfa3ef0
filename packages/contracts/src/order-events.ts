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

/** Why an order failed (CONTRACT.md, Orders and payments; ReservationExpired is an extension). */
export type FailureReason = 'OutOfStock' | 'PaymentDeclined' | 'ReservationExpired' | 'FraudSuspected';
export const failureReasons: readonly FailureReason[] = [
  'OutOfStock',
  'PaymentDeclined',
  'ReservationExpired',
  'FraudSuspected',
];

/** A product and how many of it, as the paid order holds them. */
export interface PaidLine {
  productId: string;
  quantity: number;
}

export interface OrderStatusEvent {
  orderId: string;
  customerId: string;
  status: 'Pending' | 'OnHold' | 'Paid' | 'Shipped' | 'Delivered' | 'Failed' | 'Cancelled';
  at: string;
  failureReason?: FailureReason;
  /** Extension (for notifications): the order's total. */
  total?: Money;
  /** Extension: the last four digits of the order's card (never more of it). */
  cardLast4?: string;
  /** Extension: on orders.order-shipped, the parcel's tracking number when the shipper gave one. */
  trackingNumber?: string;
  /** Extension: on orders.order-cancelled, what goes back to the card (the total of a paid order). */
  refund?: Money;
  /** Extension: on orders.order-paid, the order's lines (recommendations learn from them). */
  items?: PaidLine[];
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
    failureReason: Joi.string().valid(...failureReasons),
    total: money,
    cardLast4: Joi.string().pattern(/^\d{4}$/),
    trackingNumber: Joi.string().min(1).max(100),
    refund: money,
    items: Joi.array()
      .items(
        Joi.object<PaidLine, true>({ productId: uuid.required(), quantity: Joi.number().integer().min(1).required() }),
      )
      .min(1),
  });

/** Each status change has its own topic; its `status` is that topic's. */
export const OrderPaid = eventContract<OrderStatusEvent>(topics.orderPaid, orderStatus('Paid'));
export const OrderFailed = eventContract<OrderStatusEvent>(
  topics.orderFailed,
  orderStatus('Failed').keys({
    failureReason: Joi.string()
      .valid(...failureReasons)
      .required(),
  }),
);
export const OrderCancelled = eventContract<OrderStatusEvent>(topics.orderCancelled, orderStatus('Cancelled'));
export const OrderShipped = eventContract<OrderStatusEvent>(topics.orderShipped, orderStatus('Shipped'));
export const OrderDelivered = eventContract<OrderStatusEvent>(topics.orderDelivered, orderStatus('Delivered'));
/** orders.order-held: the order's fraud score reached the review threshold; its stock stays reserved, nothing is captured. */
export const OrderHeld = eventContract<OrderStatusEvent>(topics.orderHeld, orderStatus('OnHold'));
/** orders.order-approved (extension): an admin approved a held order; it is Pending again and payments captures. */
export const OrderApproved = eventContract<OrderStatusEvent>(topics.orderApproved, orderStatus('Pending'));
