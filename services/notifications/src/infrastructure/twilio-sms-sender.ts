import { fetchFailure } from '@shop/kit';
import Joi from 'joi';
import type { SmsSender } from '../application/ports';

/**
 * The SMS provider's settings. SMS is off unless all four are set (`smsConfigVariables` with Joi's `.and()`): a
 * half-configured provider would fail every message it was given.
 */
export interface SmsConfig {
  /** The provider's base URL, e.g. `https://api.twilio.com` (a stand-in's in tests). */
  SMS_API_URL?: string;
  SMS_ACCOUNT_SID?: string;
  SMS_AUTH_TOKEN?: string;
  /** The sender: an E.164 number or an alphanumeric sender id. */
  SMS_FROM?: string;
}

export const smsConfigVariables = ['SMS_API_URL', 'SMS_ACCOUNT_SID', 'SMS_AUTH_TOKEN', 'SMS_FROM'] as const;

/** The keys to spread into a service's configuration schema (with `.and(...smsConfigVariables)`). */
export const smsConfigKeys = {
  SMS_API_URL: Joi.string().uri({ scheme: ['http', 'https'] }),
  // Twilio's account sids are `AC` + 32 hex digits; other providers' differ, so only the URL-safe shape is checked.
  SMS_ACCOUNT_SID: Joi.string().pattern(/^[A-Za-z0-9_-]{1,64}$/),
  SMS_AUTH_TOKEN: Joi.string().min(1).max(256),
  SMS_FROM: Joi.string().pattern(/^(\+[1-9]\d{1,14}|(?=[^A-Za-z]*[A-Za-z])[A-Za-z0-9 ]{1,11})$/),
};

/** How long one request to the provider may take before it counts as a failure to retry. */
export const smsRequestTimeoutMs = 10_000;

/**
 * The provider did not take the message. `retryable` says whether trying again later may succeed: the provider was
 * unreachable, timed out, answered 5xx or 429 (with `retryAfterMs` when it said how long to wait); any other 4xx
 * (a number it cannot reach, bad credentials) fails the same way every time.
 */
export class SmsSendError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'SmsSendError';
  }
}

export interface TwilioSmsSenderOptions {
  baseUrl: string;
  accountSid: string;
  authToken: string;
  from: string;
  timeoutMs?: number;
}

/**
 * SmsSender over a Twilio-style REST API: `POST {base}/2010-04-01/Accounts/{sid}/Messages.json`, form-encoded
 * `To`, `From`, `Body`, basic auth `sid:token`. The idempotency key goes along as `Idempotency-Key`, for providers
 * that drop a repeated request (a retry after a timeout whose request did arrive).
 */
export class TwilioSmsSender implements SmsSender {
  private readonly messagesUrl: string;
  private readonly authorization: string;

  constructor(private readonly options: TwilioSmsSenderOptions) {
    const base = options.baseUrl.replace(/\/+$/, '');
    this.messagesUrl = `${base}/2010-04-01/Accounts/${encodeURIComponent(options.accountSid)}/Messages.json`;
    this.authorization = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;
  }

  async send(sms: { to: string; body: string; idempotencyKey: string }): Promise<void> {
    let res: Response;
    try {
      res = await fetch(this.messagesUrl, {
        method: 'POST',
        headers: {
          authorization: this.authorization,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          'idempotency-key': sms.idempotencyKey,
        },
        body: new URLSearchParams({ To: sms.to, From: this.options.from, Body: sms.body }).toString(),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? smsRequestTimeoutMs),
      });
    } catch (error) {
      throw new SmsSendError(`the SMS provider could not be reached: ${fetchFailure(error)}`, true);
    }
    const text = await res.text().catch(() => '');
    if (res.ok) return;
    const retryable = res.status >= 500 || res.status === 429;
    throw new SmsSendError(
      `the SMS provider answered ${res.status}: ${providerMessage(text)}`,
      retryable,
      res.status,
      retryable ? retryAfterMs(res.headers.get('retry-after')) : undefined,
    );
  }
}

/** The configured sender, or null when SMS is off (not configured). */
export function twilioSmsSenderFrom(config: SmsConfig): TwilioSmsSender | null {
  const { SMS_API_URL, SMS_ACCOUNT_SID, SMS_AUTH_TOKEN, SMS_FROM } = config;
  if (!SMS_API_URL || !SMS_ACCOUNT_SID || !SMS_AUTH_TOKEN || !SMS_FROM) return null;
  return new TwilioSmsSender({
    baseUrl: SMS_API_URL,
    accountSid: SMS_ACCOUNT_SID,
    authToken: SMS_AUTH_TOKEN,
    from: SMS_FROM,
  });
}

/** Twilio's errors are `{code, message, more_info, status}`; anything else is quoted, shortened. */
function providerMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { code?: unknown; message?: unknown };
    if (typeof parsed.message === 'string') {
      return typeof parsed.code === 'number' ? `${parsed.message} (code ${parsed.code})` : parsed.message;
    }
  } catch {
    // Not JSON: the text itself.
  }
  return text.length > 200 ? `${text.slice(0, 200)}…` : text || '(no body)';
}

/** `Retry-After` in seconds or as an HTTP date; undefined when absent or unreadable. */
function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
