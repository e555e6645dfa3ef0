import { type ReviewThresholdsConfig, reviewThresholdsConfig } from '@shop/contracts';
import Joi from 'joi';

/** The fraud service's settings (besides the host's): the review thresholds, shared with orders. */
export type FraudConfig = ReviewThresholdsConfig;

export const fraudConfigSchema = Joi.object<FraudConfig>({ ...reviewThresholdsConfig });
