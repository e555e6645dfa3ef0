import Joi from 'joi';
import type { Money } from './money';
import { instant, money, uuid } from './schema-parts';

/**
 * The review rules of CONTRACT.md ("Recommendations and fraud"), with their thresholds. The fraud service scores
 * every order with them and many softer signals; orders applies the same rules alone when the scorer cannot answer,
 * so the contract's holds never depend on the scorer being up.
 */
export interface ReviewThresholds {
  /** FRAUD_REVIEW_SCORE: a score at or above it puts the order OnHold (0..101; 101 holds nothing). */
  reviewScore: number;
  /** FRAUD_REVIEW_TOTAL: a total above it (minor units, any currency) is always held. */
  reviewTotal: number;
  /** FRAUD_VELOCITY_LIMIT: a customer's orders within the window before this one at which this one is held. */
  velocityLimit: number;
  /** The window of velocity and recent declines. */
  windowMinutes: number;
  /** A total at most this, by a customer under the velocity limit with no recent decline, is never held. */
  safeTotal: number;
}

export const defaultReviewThresholds: ReviewThresholds = {
  reviewScore: 70,
  reviewTotal: 500_000,
  velocityLimit: 5,
  windowMinutes: 10,
  safeTotal: 100_000,
};

/** What the contract's rules need to know of an order. */
export interface RuleFacts {
  total: Money;
  /** The customer's orders placed within the window before this one. */
  priorOrdersInWindow: number;
  /** The customer's declined payments within the window. */
  declinesInWindow: number;
}

export interface RuleBounds {
  /** The least score the order may get (a contract rule holds it), with the rules' reasons. */
  floor: number;
  /** The most score the order may get (the contract's safe harbour: never held). */
  ceiling: number;
  reasons: RiskReason[];
}

/** Score bounds from the contract's rules: any score the order gets is clamped into [floor, ceiling]. */
export function contractRuleBounds(facts: RuleFacts, thresholds: ReviewThresholds): RuleBounds {
  const reasons: RiskReason[] = [];
  if (facts.total.amount > thresholds.reviewTotal) reasons.push('total-above-review-limit');
  if (facts.priorOrdersInWindow >= thresholds.velocityLimit) reasons.push('customer-velocity');
  // Held by a rule: at least 70 (the contract), and at least the review score unless that is out of reach (101).
  const holdScore = Math.min(100, Math.max(70, thresholds.reviewScore));
  if (reasons.length > 0) return { floor: holdScore, ceiling: 100, reasons };
  const safe =
    facts.total.amount <= thresholds.safeTotal &&
    facts.priorOrdersInWindow < thresholds.velocityLimit &&
    facts.declinesInWindow === 0;
  return { floor: 0, ceiling: safe ? Math.max(0, Math.min(100, thresholds.reviewScore - 1)) : 100, reasons };
}

/** Why an order scored what it did; codes, so that screens and alerts can name them in their own words. */
export type RiskReason =
  | 'total-above-review-limit'
  | 'customer-velocity'
  | 'card-velocity'
  | 'amount-unusual-for-customer'
  | 'amount-unusual-for-shop'
  | 'new-account'
  | 'recent-declines'
  | 'card-declines'
  | 'country-mismatch'
  | 'many-units'
  | 'scorer-unavailable';

export const riskReasons: readonly RiskReason[] = [
  'total-above-review-limit',
  'customer-velocity',
  'card-velocity',
  'amount-unusual-for-customer',
  'amount-unusual-for-shop',
  'new-account',
  'recent-declines',
  'card-declines',
  'country-mismatch',
  'many-units',
  'scorer-unavailable',
];

/** POST /internal/assessments (orders → fraud, service invocation): score an order about to be placed. */
export interface AssessmentRequest {
  orderId: string;
  customerId: string;
  total: Money;
  items: Array<{ productId: string; quantity: number; unitPrice: Money }>;
  /** ISO 3166-1 alpha-2 of the shipping address. */
  shippingCountry: string;
  card: {
    /** Stable for one card number across vaultings (payments' keyed hash); never the number. */
    fingerprint: string;
    /** The issuing country, where the card's number tells it. */
    country?: string;
  };
  placedAt: string;
}

/** The answer: idempotent on orderId (a retried placement gets the first assessment back). */
export interface Assessment {
  orderId: string;
  score: number;
  reasons: RiskReason[];
  assessedAt: string;
}

const lineSchema = Joi.object({
  productId: uuid.required(),
  quantity: Joi.number().integer().min(1).required(),
  unitPrice: money.required(),
});

export const assessmentRequest = Joi.object<AssessmentRequest, true>({
  orderId: uuid.required(),
  customerId: uuid.required(),
  total: money.required(),
  items: Joi.array().items(lineSchema).min(1).max(1000).required(),
  shippingCountry: Joi.string()
    .pattern(/^[A-Z]{2}$/)
    .required(),
  card: Joi.object({
    fingerprint: Joi.string()
      .pattern(/^[A-Za-z0-9_-]{8,64}$/)
      .required(),
    country: Joi.string().pattern(/^[A-Z]{2}$/),
  }).required(),
  placedAt: instant.required(),
});

export const assessmentAnswer = Joi.object<Assessment, true>({
  orderId: uuid.required(),
  score: Joi.number().integer().min(0).max(100).required(),
  reasons: Joi.array()
    .items(Joi.string().valid(...riskReasons))
    .required(),
  assessedAt: instant.required(),
});

/**
 * The thresholds as configuration, the same keys in every service that applies them (orders for its fallback, fraud
 * for its score): FRAUD_REVIEW_SCORE (0..101; 101 holds nothing), FRAUD_REVIEW_TOTAL, FRAUD_VELOCITY_LIMIT.
 */
export const reviewThresholdsConfig = {
  FRAUD_REVIEW_SCORE: Joi.number().integer().min(0).max(101).default(defaultReviewThresholds.reviewScore),
  FRAUD_REVIEW_TOTAL: Joi.number()
    .integer()
    .min(0)
    .max(Number.MAX_SAFE_INTEGER)
    .default(defaultReviewThresholds.reviewTotal),
  FRAUD_VELOCITY_LIMIT: Joi.number().integer().min(1).max(1_000).default(defaultReviewThresholds.velocityLimit),
};

export interface ReviewThresholdsConfig {
  FRAUD_REVIEW_SCORE: number;
  FRAUD_REVIEW_TOTAL: number;
  FRAUD_VELOCITY_LIMIT: number;
}

/** The thresholds a service's validated configuration sets; the window and the safe total are the contract's. */
export function reviewThresholdsFrom(config: ReviewThresholdsConfig): ReviewThresholds {
  return {
    ...defaultReviewThresholds,
    reviewScore: config.FRAUD_REVIEW_SCORE,
    reviewTotal: config.FRAUD_REVIEW_TOTAL,
    velocityLimit: config.FRAUD_VELOCITY_LIMIT,
  };
}
