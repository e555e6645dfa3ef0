/**
 * A card as a customer types it. It exists only in memory while it is vaulted: the number and the CVC are
 * never stored, logged, returned or published (CONTRACT.md, Orders and payments); only what `summarizeCard`
 * keeps survives.
 */
export interface CardDetails {
  cardNumber: string;
  expMonth: number;
  expYear: number;
  cvc: string;
}

export type CardField = 'cardNumber' | 'expMonth' | 'expYear' | 'cvc';

/** What is wrong with one field. Messages never repeat the value: it may be a card number. */
export interface CardProblem {
  field: CardField;
  message: string;
}

export type CardBrand = 'visa' | 'mastercard' | 'amex' | 'discover' | 'diners' | 'jcb' | 'unionpay' | 'unknown';

/** What may be kept of a card. */
export interface CardSummary {
  brand: CardBrand;
  last4: string;
  expMonth: number;
  expYear: number;
}

export const cardNumberDigits = { min: 12, max: 19 } as const;
export const expYearRange = { min: 2000, max: 2100 } as const;

/** The digits of a card number as people write it: spaces and dashes between groups are fine. */
export function cardDigits(cardNumber: string): string {
  return cardNumber.replace(/[\s-]/g, '');
}

/** The Luhn (mod 10) check every card number carries in its last digit. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let digit = digits.charCodeAt(i) - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}

/** The card scheme from the number's leading digits (the issuer identification number ranges). */
export function brandOf(digits: string): CardBrand {
  const prefix = (length: number) => Number(digits.slice(0, length));
  if (/^4/.test(digits)) return 'visa';
  if (/^5[1-5]/.test(digits) || (prefix(4) >= 2221 && prefix(4) <= 2720)) return 'mastercard';
  if (/^3[47]/.test(digits)) return 'amex';
  if (/^(6011|65)/.test(digits) || (prefix(3) >= 644 && prefix(3) <= 649)) return 'discover';
  if (/^(36|30[0-5]|38|39)/.test(digits)) return 'diners';
  if (prefix(4) >= 3528 && prefix(4) <= 3589) return 'jcb';
  if (/^62/.test(digits)) return 'unionpay';
  return 'unknown';
}

/** A card is good through the last day of its expiry month: this is the first instant it is not (UTC). */
export function expiryInstant(expMonth: number, expYear: number): Date {
  return new Date(Date.UTC(expYear, expMonth, 1));
}

export function isExpired(card: Pick<CardDetails, 'expMonth' | 'expYear'>, now: Date): boolean {
  return now.getTime() >= expiryInstant(card.expMonth, card.expYear).getTime();
}

/** Every problem of the card at `now`, one per field at most; empty when the card can be vaulted. */
export function cardProblems(card: CardDetails, now: Date): CardProblem[] {
  const problems: CardProblem[] = [];
  const digits = typeof card.cardNumber === 'string' ? cardDigits(card.cardNumber) : '';
  if (!/^\d+$/.test(digits) || digits.length < cardNumberDigits.min || digits.length > cardNumberDigits.max) {
    problems.push({
      field: 'cardNumber',
      message: `must be ${cardNumberDigits.min} to ${cardNumberDigits.max} digits`,
    });
  } else if (!passesLuhn(digits)) {
    problems.push({ field: 'cardNumber', message: 'is not a valid card number (Luhn check failed)' });
  }

  const monthValid = Number.isInteger(card.expMonth) && card.expMonth >= 1 && card.expMonth <= 12;
  const yearValid =
    Number.isInteger(card.expYear) && card.expYear >= expYearRange.min && card.expYear <= expYearRange.max;
  if (!monthValid) problems.push({ field: 'expMonth', message: 'must be a month from 1 to 12' });
  if (!yearValid) {
    problems.push({
      field: 'expYear',
      message: `must be a four-digit year from ${expYearRange.min} to ${expYearRange.max}`,
    });
  } else if (card.expYear < now.getUTCFullYear()) {
    problems.push({ field: 'expYear', message: 'the card has expired' });
  } else if (monthValid && isExpired(card, now)) {
    problems.push({ field: 'expMonth', message: 'the card has expired' });
  }

  if (typeof card.cvc !== 'string' || !/^\d{3,4}$/.test(card.cvc)) {
    problems.push({ field: 'cvc', message: 'must be 3 or 4 digits' });
  }
  return problems;
}

/** What may be kept of a valid card: brand, the last four digits and the expiry. */
export function summarizeCard(card: CardDetails): CardSummary {
  const digits = cardDigits(card.cardNumber);
  return { brand: brandOf(digits), last4: digits.slice(-4), expMonth: card.expMonth, expYear: card.expYear };
}

/**
 * Issuing countries of the test cards the shop knows (ISO 3166-1 alpha-2), by the number's first nine digits: the
 * country test cards of Stripe's testing guide (Visa `400000` + the country's ISO 3166 numeric code). A real gateway
 * tells the issuing country from its BIN table; the simulated one knows these. Any other number is unknown, the
 * generic test cards (4242…, the declined ones) included: they stand for any customer's card, so the fraud review's
 * country check never weighs on the orders a test or a demo places with them. docs/api.md lists the table.
 */
export const testCardCountries: Readonly<Record<string, string>> = {
  '400000036': 'AU',
  '400000040': 'AT',
  '400000056': 'BE',
  '400000076': 'BR',
  '400000124': 'CA',
  '400000250': 'FR',
  '400000276': 'DE',
  '400000380': 'IT',
  '400000392': 'JP',
  '400000484': 'MX',
  '400000528': 'NL',
  '400000724': 'ES',
  '400000826': 'GB',
};

/** The issuing country of a card number, where the table knows it. */
export function issuingCountryOf(digits: string): string | undefined {
  return testCardCountries[digits.slice(0, 9)];
}
