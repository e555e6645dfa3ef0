import type { Money } from './api';

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

/** How many minor units make one major unit of a currency (100 for EUR, 1 for JPY), as Intl knows it. */
export function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

export function majorUnits(money: Money): number {
  return money.amount / 10 ** minorDigits(money.currency);
}

export function formatMoney(money: Money): string {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency: money.currency }).format(majorUnits(money));
  } catch {
    return `${majorUnits(money)} ${money.currency}`;
  }
}

export function formatCount(value: number): string {
  return integer.format(value);
}

export function formatDays(days: number | null): string {
  if (days === null) return 'no sales';
  if (days < 1) return 'under a day';
  return `${new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 }).format(days)} days`;
}
