/** Keys whose values never reach a log line (matched case-insensitively, anywhere in the object). */
const secretKey =
  /^(authorization|proxy-authorization|cookie|set-cookie|password|newpassword|currentpassword|passwordhash|secret|token|accesstoken|refreshtoken|idtoken|access_token|refresh_token|apikey|api-key|x-api-key|accesskey|cardnumber|card_number|pan|cvc|cvv|connectionstring)$/i;

/** Card numbers (13–19 digits, optionally grouped) inside free text. */
const cardNumberInText = /\b(?:\d[ -]?){12,18}\d\b/g;
/** Bearer tokens and JWTs inside free text. */
const bearerInText = /\bBearer\s+[A-Za-z0-9\-._~+/]+=*/gi;
const jwtInText = /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;

export const redactedMarker = '[REDACTED]';

/**
 * What each of the patterns below needs to match at all: three digits in a row (spaces or dashes between them), `eyJ`
 * or `bearer`. Most strings of a record (messages, routes, names) have none of it, and one test skips the three.
 */
const mayHoldSecret = /\d[ -]?\d[ -]?\d|eyJ|bearer/i;

function redactText(text: string): string {
  if (!mayHoldSecret.test(text)) return text;
  return text
    .replace(bearerInText, `Bearer ${redactedMarker}`)
    .replace(jwtInText, redactedMarker)
    .replace(cardNumberInText, redactedMarker);
}

/** A deep copy of value with secrets replaced; never mutates its input. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[Truncated]';
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (value instanceof Error || value instanceof Date || Buffer.isBuffer(value)) return value;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] = secretKey.test(key) ? redactedMarker : redact(inner, depth + 1);
    }
    return out;
  }
  return value;
}

/**
 * Fields of a log record that the kit writes itself and that hold no secret: the ids it generated or checked
 * (`req_id` is the caller's only when it is short and plain, trace and span ids are hex) and bunyan's own.
 * Passed over by redactRecord: every request's line carries them, and scanning them was a third of its cost.
 */
const plainRecordFields = new Set(['v', 'level', 'name', 'hostname', 'pid', 'time', 'req_id', 'trace_id', 'span_id']);

/** A log record as redact() would leave it, its kit-written plain fields copied as they are. */
export function redactRecord(record: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    out[key] = plainRecordFields.has(key) ? value : secretKey.test(key) ? redactedMarker : redact(value, 1);
  }
  return out;
}
