/** E.164: a plus, a country code that does not start with 0, at most 15 digits in all (7 at least, as no real number is shorter). */
const e164 = /^\+[1-9]\d{6,14}$/;

/**
 * A phone number in E.164 form (`+491701234567`), read from what people type: spaces, dots, hyphens and
 * parentheses between the digits are dropped. Null when it is not an international number (no `+`, a national
 * `0…` form, letters, too short or too long): a number is never guessed into a country.
 */
export function e164Phone(text: string): string | null {
  const compact = text.trim().replace(/[\s.\-()]/g, '');
  return e164.test(compact) ? compact : null;
}
