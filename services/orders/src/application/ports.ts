import type { EventEnvelope, Money } from '@shop/contracts';
import type { FieldError } from '@shop/kit';
import type { FailureReason, Order, OrderStatus } from '../domain/order';

export interface OrderPosition {
  createdAt: Date;
  id: string;
}

export interface OrderPage {
  items: Order[];
  next: OrderPosition | null;
}

export interface Orders {
  insert(order: Order): Promise<void>;
  byId(id: string): Promise<Order | null>;
  /**
   * Moves the order to `to` when its status is one of `from` (one conditional UPDATE) and answers it as moved;
   * null when its status was not one of them, or there is no such order.
   */
  move(
    id: string,
    from: OrderStatus[],
    to: OrderStatus,
    changes: { updatedAt: Date; failureReason?: FailureReason; trackingNumber?: string },
  ): Promise<Order | null>;
  /** Newest first; `customerId` limits to one customer's orders. */
  list(query: { customerId?: string; status?: OrderStatus; limit: number; after?: OrderPosition }): Promise<OrderPage>;
}

export interface OrdersStore {
  orders: Orders;
  /** Publishes the event once the transaction commits (transactional outbox). */
  outbox(topic: string, event: EventEnvelope): Promise<void>;
}

export type UnitOfWork = <T>(work: (store: OrdersStore) => Promise<T>) => Promise<T>;

export interface ProductPrice {
  productId: string;
  price: Money;
  purchasable: boolean;
}

/** The catalog's prices at this moment: the only prices an order is placed at (never the client's). */
export interface PriceList {
  pricesOf(productIds: string[]): Promise<Map<string, ProductPrice>>;
}

export interface CardDetails {
  cardNumber: string;
  expMonth: number;
  expYear: number;
  cvc: string;
}

/** Hands the card to the payments service, which vaults it; the order keeps only the token and last four digits. */
export interface PaymentMethods {
  vault(
    card: CardDetails,
  ): Promise<{ ok: true; paymentMethodId: string; last4: string } | { ok: false; errors: FieldError[] }>;
  /**
   * Opens the order's payment (pending) before the order is announced, so that no later event finds it
   * missing. Idempotent on the order id: a retried placement finds the payment it opened ('opened'), unless that
   * payment is for another customer or amount ('conflict': the order id was fixed by a key used for another order).
   */
  openPayment(order: {
    orderId: string;
    customerId: string;
    total: Money;
    paymentMethodId: string;
  }): Promise<'opened' | 'conflict'>;
}

export interface Clock {
  now(): Date;
}

export interface OrdersDeps {
  unitOfWork: UnitOfWork;
  prices: PriceList;
  paymentMethods: PaymentMethods;
  clock: Clock;
}

/** Another service could not answer (down, timing out, failing): the request may be retried later. */
export class DependencyUnavailableError extends Error {
  constructor(
    readonly dependency: string,
    reason: string,
  ) {
    super(`${dependency} is unavailable: ${reason}`);
    this.name = 'DependencyUnavailableError';
  }
}
