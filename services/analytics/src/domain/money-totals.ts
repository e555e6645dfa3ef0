import type { Money } from '@shop/contracts';

/**
 * Sums of integer minor units kept apart per ISO 4217 currency: amounts of different currencies are never
 * added together, and no float ever holds money.
 */
export class MoneyTotals {
  private readonly byCurrency = new Map<string, number>();

  add(currency: string, minor: number): this {
    if (!Number.isSafeInteger(minor)) throw new Error(`${minor} is not an integer amount of minor units`);
    this.byCurrency.set(currency, (this.byCurrency.get(currency) ?? 0) + minor);
    return this;
  }

  amountOf(currency: string): number {
    return this.byCurrency.get(currency) ?? 0;
  }

  currencies(): string[] {
    return [...this.byCurrency.keys()].sort();
  }

  /** One Money per currency, by currency code, so that answers are stable. */
  toList(): Money[] {
    return this.currencies().map((currency) => ({ amount: this.amountOf(currency), currency }));
  }
}

/**
 * `total / count` in whole minor units, halves rounded away from zero (what a person rounding cents does);
 * computed on integers so that no float rounding decides a cent.
 */
export function averageMinor(total: number, count: number): number {
  if (count <= 0) throw new Error('an average needs at least one item');
  const sign = total < 0 ? -1 : 1;
  const magnitude = Math.abs(total);
  const quotient = Math.floor(magnitude / count);
  const remainder = magnitude - quotient * count;
  return sign * (remainder * 2 >= count ? quotient + 1 : quotient);
}
