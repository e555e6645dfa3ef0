import type { Money, ReviewThresholds, RiskReason } from '@shop/contracts';
import type { AmountMoments, OrderHistory } from '../domain/features';
import type { OrderScore } from '../domain/scorer';
import type { ScoringWeights } from '../domain/weights';

/** An order as it was assessed, kept for idempotency, velocity and mapping declines to customer and card. */
export interface StoredAssessment {
  orderId: string;
  customerId: string;
  cardFingerprint: string;
  cardCountry: string | null;
  shippingCountry: string;
  total: Money;
  units: number;
  score: number;
  reasons: RiskReason[];
  /** When the order was placed (the request's `placedAt`): the windows count from it. */
  placedAt: Date;
  assessedAt: Date;
}

/** A declined payment, mapped to the customer and card of its order's assessment. */
export interface Decline {
  orderId: string;
  customerId: string;
  cardFingerprint: string;
  failedAt: Date;
}

export interface HistoryQuery {
  customerId: string;
  cardFingerprint: string;
  currency: string;
  /** The window, both ends included: [from, to]. */
  from: Date;
  to: Date;
  /** The order being assessed, never counted in its own velocity. */
  orderId: string;
}

/** The fraud service's tables, within one transaction (or one autocommitted read). */
export interface FraudStore {
  assessment(orderId: string): Promise<StoredAssessment | null>;
  history(query: HistoryQuery): Promise<OrderHistory>;
  /**
   * Counts one more assessment of the customer in the database (`SET n = n + 1`), which locks the customer's counter
   * row until the transaction ends: a concurrent assessment of the same customer waits here, and reads the window
   * only once this one's assessment is committed. Called first in the transaction, before `history`.
   */
  countCustomerAssessment(customerId: string): Promise<void>;
  /** False when the order has an assessment already (the primary key decides); then roll back. */
  insertAssessment(assessment: StoredAssessment): Promise<boolean>;
  /** One more assessed order in the shop's distribution of the currency. */
  countShopAmount(currency: string, bucket: number): Promise<void>;
  /** Keeps when the customer registered (a repeat changes nothing). */
  registerCustomer(customerId: string, registeredAt: Date): Promise<void>;
  /** Adds one paid order to the customer's amounts in its currency. */
  addPaidAmount(customerId: string, currency: string, moments: AmountMoments): Promise<void>;
  /** False when the order's decline was kept already. */
  insertDecline(decline: Decline): Promise<boolean>;
  rollbackWith<V>(value: V): V;
}

/** Runs `work` in one transaction. */
export type UnitOfWork = <T>(work: (store: FraudStore) => Promise<T>) => Promise<T>;

export interface Clock {
  now(): Date;
}

/** Told of every new assessment (metrics), after it committed. */
export interface AssessmentObserver {
  assessed(score: OrderScore, scoringSeconds: number): void;
}

export interface FraudDeps {
  unitOfWork: UnitOfWork;
  /** Reads that need no transaction (autocommitted). */
  read: UnitOfWork;
  clock: Clock;
  thresholds: ReviewThresholds;
  weights: ScoringWeights;
  observer: AssessmentObserver;
}
