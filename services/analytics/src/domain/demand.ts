import { dayMs } from './time-buckets';

/**
 * Daily demand is an exponentially weighted average of the units sold per day: a day `age` days ago weighs
 * `0.5 ^ (age / halfLifeDays)`. Days without sales count as zeros, so demand fades when a product stops selling.
 * The average looks back over `windowDays` (beyond about six half-lives a day weighs under 2%).
 */
export interface DemandModel {
  halfLifeDays: number;
  windowDays: number;
}

/** Seven days: one full week of trading weighs as much as everything before it, evening out weekday swings while still following a change within a couple of weeks. */
export const defaultDemandModel: DemandModel = { halfLifeDays: 7, windowDays: 42 };

/**
 * The weighted average of units per day over the `windowDays` days ending with `today` (age 0, counted as it
 * stands so that a sale shows at once). `unitsByDay` maps a day number (since the epoch) to the units sold.
 */
export function dailyDemand(unitsByDay: ReadonlyMap<number, number>, today: number, model: DemandModel): number {
  let weighted = 0;
  let weights = 0;
  for (let age = 0; age < model.windowDays; age += 1) {
    const weight = 0.5 ** (age / model.halfLifeDays);
    weighted += weight * Math.max(0, unitsByDay.get(today - age) ?? 0);
    weights += weight;
  }
  return weighted / weights;
}

/** Days until `available` runs out at `demand` a day; null when nothing sells (it never runs out). */
export function daysToStockOut(available: number, demand: number): number | null {
  if (demand <= 0) return null;
  return Math.max(0, available) / demand;
}

export interface StockOutlookLine {
  productId: string;
  name: string;
  available: number;
  dailyDemand: number;
  daysToStockOut: number | null;
}

/** Soonest stock-out first; products that never run out (null) last, then by name for a stable order. */
export function bySoonestStockOut(a: StockOutlookLine, b: StockOutlookLine): number {
  if (a.daysToStockOut !== b.daysToStockOut) {
    if (a.daysToStockOut === null) return 1;
    if (b.daysToStockOut === null) return -1;
    return a.daysToStockOut - b.daysToStockOut;
  }
  return a.name.localeCompare(b.name) || a.productId.localeCompare(b.productId);
}

export const dayStart = (day: number): Date => new Date(day * dayMs);
