import type { DeclineReason, EventEnvelope, Money } from '@shop/contracts';
import type { CardDetails, CardProblem, CardSummary } from '../domain/card';
import type { Payment, PaymentStatus } from '../domain/payment';
import type { Refund } from '../domain/refund';

/** A card in the gateway's vault: its token and what may be kept of the card. */
export interface VaultedCard extends CardSummary {
  paymentMethodId: string;
  /** The token is refused after this instant. */
  expiresAt: Date;
}

export type TokenizeResult = { ok: true; card: VaultedCard } | { ok: false; problems: CardProblem[] };

export type AuthorizeResult =
  | { ok: true; authorizationId: string; card: Pick<CardSummary, 'brand' | 'last4'> }
  | { ok: false; reason: DeclineReason };

export type CaptureResult = { ok: true; captureId: string } | { ok: false; reason: 'not-capturable' };

export type VoidResult =
  /** Nothing is authorized under the key any more (voided now, before, or never authorized). */
  | { ok: true }
  /** The authorization was captured already: money was taken and must be refunded instead. */
  | { ok: false; reason: 'captured'; authorizationId: string; captureId: string };

export type GatewayRefundResult =
  | { ok: true; gatewayRefundId: string }
  | { ok: false; reason: 'not-captured' | 'exceeds-captured' | 'currency-mismatch' | 'idempotency-key-reused' };

/**
 * The payment provider: the simulated card gateway here, a real one (Stripe, Adyen…) in its place later.
 * The card number and CVC cross this port once, in `tokenize`; everything after works with the token.
 * Every call that moves money is idempotent, so a retry after a crash (the provider acted, our transaction did
 * not commit) reaches the same authorization, capture or refund rather than a second one. The provider commits
 * on its own: none of these calls is part of a payments transaction.
 */
export interface PaymentGateway {
  /** Validates and vaults a card; answers its token, or what is wrong with each field. */
  tokenize(card: CardDetails): Promise<TokenizeResult>;
  /** What the vault holds for a token; null when it is unknown or expired. */
  describe(paymentMethodId: string): Promise<CardSummary | null>;
  /** Holds `amount` on the card. Idempotent on `idempotencyKey`: a repeat answers the first outcome. */
  authorize(request: { idempotencyKey: string; paymentMethodId: string; amount: Money }): Promise<AuthorizeResult>;
  /** Takes the authorized amount in full. Idempotent: a captured authorization answers its capture. */
  capture(request: { authorizationId: string; amount: Money }): Promise<CaptureResult>;
  /** Releases whatever is authorized under `idempotencyKey` (the authorize call's key). Idempotent. */
  void(request: { idempotencyKey: string }): Promise<VoidResult>;
  /** Gives `amount` of a capture back; never more than captured minus refunded. Idempotent on `idempotencyKey`. */
  refund(request: { idempotencyKey: string; captureId: string; amount: Money }): Promise<GatewayRefundResult>;
}

export interface PaymentPosition {
  createdAt: Date;
  id: string;
}

export interface PaymentQuery {
  limit: number;
  orderId?: string;
  /** Only this customer's payments (a customer reading their own). */
  customerId?: string;
  /** Newest first: the page starts after this position. */
  after?: PaymentPosition;
}

export interface PaymentPage {
  items: Payment[];
  /** The last row's position, when more rows may follow. */
  next: PaymentPosition | null;
}

export type PaymentChanges = Partial<
  Pick<Payment, 'cardBrand' | 'cardLast4' | 'authorizationId' | 'captureId' | 'failureReason' | 'reviewRequired'>
>;

export interface Payments {
  byId(id: string): Promise<Payment | null>;
  byOrderId(orderId: string): Promise<Payment | null>;
  /**
   * Inserts; false when the order has a payment already (the unique index decides). After false the
   * transaction is spent on PostgreSQL (the failed INSERT aborted it): roll it back.
   */
  insert(payment: Payment): Promise<boolean>;
  /**
   * Takes the order's payment for this transaction when its status is one of `statuses` (a conditional UPDATE,
   * which on PostgreSQL holds the row until commit and waits for whoever holds it) and answers it as it is now;
   * null when the order has no payment or it is in another status.
   */
  claim(orderId: string, statuses: readonly PaymentStatus[]): Promise<Payment | null>;
  /** Moves the payment from `from` to `to` if it is still in `from`; false otherwise. */
  move(id: string, from: PaymentStatus, to: PaymentStatus, at: Date, changes?: PaymentChanges): Promise<boolean>;
  /**
   * Adds `amount` to what was refunded, in one conditional UPDATE: only while the payment is captured or
   * partially refunded, in the same currency, and never past the captured amount. Moves the status to
   * partially_refunded or refunded. False when any of that does not hold.
   */
  addRefunded(id: string, amount: Money, at: Date): Promise<boolean>;
  /** Sets review_required while the payment is in one of `statuses`; false when it is not (or there is none). */
  setReviewRequired(orderId: string, required: boolean, statuses: readonly PaymentStatus[], at: Date): Promise<boolean>;
  list(query: PaymentQuery): Promise<PaymentPage>;
}

export interface Refunds {
  insert(refund: Refund): Promise<void>;
  listFor(paymentId: string): Promise<Refund[]>;
}

/** The repositories of one transaction, and its outbox. */
export interface PaymentStore {
  payments: Payments;
  refunds: Refunds;
  /** Publishes the event once the transaction commits (transactional outbox). */
  outbox(topic: string, event: EventEnvelope): Promise<void>;
  /** Rolls the transaction back and answers `value`: a business failure is a value. */
  rollbackWith<V>(value: V): V;
}

/** Runs `work` in one transaction over the payments database. */
export type UnitOfWork = <T>(work: (store: PaymentStore) => Promise<T>) => Promise<T>;

export interface Clock {
  now(): Date;
}

export interface PaymentsDeps {
  gateway: PaymentGateway;
  clock: Clock;
  /**
   * A card number's fingerprint: HMAC-SHA256 of its digits under the payments secret, base64url (the gateway's
   * shared test numbers: of the vaulting, `paymentMethodId`, instead).
   */
  cardFingerprint(digits: string, paymentMethodId: string): string;
}

/** What a handler run inside a transaction it is handed (the event intake's, a route's) works with. */
export type InTransaction = PaymentsDeps & { store: PaymentStore };
