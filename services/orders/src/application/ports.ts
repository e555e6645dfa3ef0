import type { AssessmentRequest, EventEnvelope, Money, ReviewThresholds, RiskReason } from '@shop/contracts';
import type { FieldError } from '@shop/kit';
import type { FailureReason, Order, OrderReview, OrderStatus } from '../domain/order';

export interface OrderPosition {
  createdAt: Date;
  id: string;
}

export interface OrderPage {
  items: Order[];
  next: OrderPosition | null;
}

export interface OrderChanges {
  updatedAt: Date;
  failureReason?: FailureReason;
  trackingNumber?: string;
  review?: OrderReview;
}

export interface Orders {
  insert(order: Order): Promise<void>;
  byId(id: string): Promise<Order | null>;
  /**
   * Moves the order to `to` when its status is one of `from` (one conditional UPDATE) and answers it as moved;
   * null when its status was not one of them, or there is no such order.
   */
  move(id: string, from: OrderStatus[], to: OrderStatus, changes: OrderChanges): Promise<Order | null>;
  /** How many orders the customer placed at or after `since`, `excluding` one (the order being placed). */
  countPlacedSince(customerId: string, since: Date, excluding: string): Promise<number>;
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
  vault(card: CardDetails): Promise<({ ok: true } & VaultedCard) | { ok: false; errors: FieldError[] }>;
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
    /** Held for review: payments authorizes but captures only once the order is approved. */
    review: boolean;
  }): Promise<'opened' | 'conflict'>;
}

/** What payments tells of a vaulted card: its token, and what the fraud review may know of the card. */
export interface VaultedCard {
  paymentMethodId: string;
  last4: string;
  /** Stable for one card number (payments' keyed hash); never the number. */
  fingerprint: string;
  /** The issuing country where payments knows it. */
  country?: string;
}

/** Why the scorer gave no usable answer: each is counted, and the order is scored by the contract's rules alone. */
export type ScorerUnavailable = 'unreachable' | 'timeout' | 'failed' | 'invalid-answer';

/** The fraud service's scoring of an order about to be placed, within the placement's time budget. */
export interface FraudScorer {
  assess(
    request: AssessmentRequest,
  ): Promise<{ score: number; reasons: RiskReason[] } | { unavailable: ScorerUnavailable }>;
}

export interface OrdersMetrics {
  /** An order was scored without the scorer (orders_fraud_scorer_fallbacks_total). */
  scorerFallback(cause: ScorerUnavailable): void;
}

export interface Clock {
  now(): Date;
}

export interface OrdersDeps {
  unitOfWork: UnitOfWork;
  prices: PriceList;
  paymentMethods: PaymentMethods;
  fraud: FraudScorer;
  /** FRAUD_REVIEW_SCORE, FRAUD_REVIEW_TOTAL, FRAUD_VELOCITY_LIMIT. */
  thresholds: ReviewThresholds;
  metrics: OrdersMetrics;
  clock: Clock;
}

/** Another service could not answer (down, timing out, failing): the request may be retried later. */
export { DependencyUnavailableError } from '@shop/kit';
