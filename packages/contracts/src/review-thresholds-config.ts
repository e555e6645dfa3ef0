import Joi from 'joi';
import { defaultReviewThresholds, type ReviewThresholds } from './fraud-review';

/**
 * The review thresholds as environment variables, read alike by the fraud service (which scores) and orders (which
 * holds, and scores alone with the contract's rules when the scorer cannot answer): one set of names, ranges and
 * defaults, so both sides always judge an order by the same numbers.
 */
export interface ReviewThresholdsConfig {
  /** A score at or above it puts the order OnHold; 101 holds nothing (scoring still runs). */
  FRAUD_REVIEW_SCORE: number;
  /** A total above it (minor units, any currency) is always held. */
  FRAUD_REVIEW_TOTAL: number;
  /** A customer's orders within the window before an order at which that order is held. */
  FRAUD_VELOCITY_LIMIT: number;
}

/** The keys to spread into a service's configuration schema. */
export const reviewThresholdsConfigKeys = {
  FRAUD_REVIEW_SCORE: Joi.number().integer().min(0).max(101).default(defaultReviewThresholds.reviewScore),
  FRAUD_REVIEW_TOTAL: Joi.number()
    .integer()
    .min(0)
    .max(Number.MAX_SAFE_INTEGER)
    .default(defaultReviewThresholds.reviewTotal),
  FRAUD_VELOCITY_LIMIT: Joi.number().integer().min(1).max(1000).default(defaultReviewThresholds.velocityLimit),
};

/** The thresholds a validated configuration sets; the window and the safe total stay the contract's. */
export function reviewThresholdsOf(config: ReviewThresholdsConfig): ReviewThresholds {
  return {
    ...defaultReviewThresholds,
    reviewScore: config.FRAUD_REVIEW_SCORE,
    reviewTotal: config.FRAUD_REVIEW_TOTAL,
    velocityLimit: config.FRAUD_VELOCITY_LIMIT,
  };
}
