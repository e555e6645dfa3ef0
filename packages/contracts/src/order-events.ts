import type { Money } from './money';

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
}
