import { type HubPushConfig, hubPushConfigKeys } from '@shop/kit';
import Joi from 'joi';
import { type SmsConfig, smsConfigKeys, smsConfigVariables } from './infrastructure/twilio-sms-sender';

// biome-ignore lint/suspicious/noThenProperty: joi's conditional schemas are spelled with `then`.
const production = { is: 'production', then: Joi.required(), otherwise: Joi.optional() } as const;

/**
 * The notifications service's own settings (besides the host's), validated at start; the SMS provider's
 * (`SMS_*`, all four or none) and the hub's (`HUB_*`) come from their adapters.
 */
export interface NotificationsConfig extends SmsConfig, HubPushConfig {
  NODE_ENV: string;
  /** `smtp://user:pass@host:port`; required in production. Without it (development) emails are retried and end `Failed`. */
  SMTP_URL?: string;
  MAIL_FROM: string;
  /** How long one SMTP connection step (connect, greeting, a quiet socket) may take. */
  SMTP_TIMEOUT_MS: number;
  /** The first retry's delay; each next one doubles, up to NOTIFICATION_RETRY_MAX_DELAY_MS. */
  NOTIFICATION_RETRY_BASE_MS: number;
  NOTIFICATION_RETRY_MAX_DELAY_MS: number;
  /** How long a delivery is retried before it is `Failed`: at least 10 minutes in production. */
  NOTIFICATION_RETRY_FOR_SECONDS: number;
  /** How often the sender looks for due deliveries. */
  NOTIFICATION_SEND_INTERVAL_MS: number;
  NOTIFICATION_SEND_BATCH_SIZE: number;
  /** Deliveries sent at once (and SMTP connections kept open). */
  NOTIFICATION_SEND_CONCURRENCY: number;
}

export const notificationsConfigSchema = Joi.object<NotificationsConfig>({
  NODE_ENV: Joi.string().default('development'),
  SMTP_URL: Joi.string()
    .uri({ scheme: ['smtp', 'smtps'] })
    .when('NODE_ENV', production),
  MAIL_FROM: Joi.string().min(3).max(254).default('Shop <no-reply@shop.local>'),
  SMTP_TIMEOUT_MS: Joi.number().integer().min(100).max(120_000).default(20_000),
  NOTIFICATION_RETRY_BASE_MS: Joi.number().integer().min(10).max(3_600_000).default(30_000),
  NOTIFICATION_RETRY_MAX_DELAY_MS: Joi.number().integer().min(10).max(3_600_000).default(300_000),
  NOTIFICATION_RETRY_FOR_SECONDS: Joi.number()
    .integer()
    .max(7 * 86_400)
    // biome-ignore lint/suspicious/noThenProperty: joi's conditional schemas are spelled with `then`.
    .when('NODE_ENV', { is: 'production', then: Joi.number().min(600), otherwise: Joi.number().min(0) })
    .default(900),
  NOTIFICATION_SEND_INTERVAL_MS: Joi.number().integer().min(10).max(60_000).default(1_000),
  NOTIFICATION_SEND_BATCH_SIZE: Joi.number().integer().min(1).max(1_000).default(50),
  NOTIFICATION_SEND_CONCURRENCY: Joi.number().integer().min(1).max(50).default(4),
  ...smsConfigKeys,
  ...hubPushConfigKeys,
}).and(...smsConfigVariables);
