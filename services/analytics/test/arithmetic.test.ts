import { randomUUID } from 'node:crypto';
import { bySoonestStockOut, dailyDemand, daysToStockOut, type StockOutlookLine } from '../src/domain/demand';
import { averageOrderValue, netRevenue } from '../src/domain/figures';
import { averageMinor, MoneyTotals } from '../src/domain/money-totals';
import {
  type Applied,
  type Effect,
  newOrderFact,
  type OrderFact,
  orderCancelled,
  orderHeld,
  orderPaid,
  orderPlaced,
} from '../src/domain/order-fact';
import { reportRange } from '../src/domain/report-range';
import { bucketStarts, bucketsOverlapping, dayMs, hourMs, hoursOverlapping } from '../src/domain/time-buckets';

const eur = (amount: number) => ({ amount, currency: 'EUR' });
const usd = (amount: number) => ({ amount, currency: 'USD' });
const at = (iso: string) => new Date(iso);

describe('money per currency', () => {
  it('sums each currency on its own and never mixes them', () => {
    const totals = new MoneyTotals().add('EUR', 1999).add('USD', 500).add('EUR', 1);
    expect(totals.toList()).toEqual([eur(2000), usd(500)]);
  });

  it('refuses an amount that is not a whole number of minor units', () => {
    expect(() => new MoneyTotals().add('EUR', 10.5)).toThrow(/minor units/);
  });

  it('rounds an average to whole minor units, halves away from zero', () => {
    expect(averageMinor(1000, 3)).toBe(333);
    expect(averageMinor(1001, 2)).toBe(501);
    expect(averageMinor(1000, 6)).toBe(167);
    expect(averageMinor(-1001, 2)).toBe(-501);
  });

  it('subtracts refunds from revenue in their own currency; the average order value stays what orders were paid', () => {
    const rows = [
      { currency: 'EUR', paidOrders: 2, paidMinor: 3000, refundedMinor: 1000 },
      { currency: 'USD', paidOrders: 1, paidMinor: 700, refundedMinor: 0 },
      { currency: 'EUR', paidOrders: 1, paidMinor: 1001, refundedMinor: 0 },
      { currency: 'GBP', paidOrders: 0, paidMinor: 0, refundedMinor: 250 },
    ];
    expect(netRevenue(rows)).toEqual([eur(3001), { amount: -250, currency: 'GBP' }, usd(700)]);
    expect(averageOrderValue(rows)).toEqual([eur(1334), usd(700)]);
  });
});

/** Applies steps to an order's fact in turn, gathering every effect. */
function run(steps: Array<(fact: OrderFact) => Applied>): { fact: OrderFact; effects: Effect[] } {
  let fact = newOrderFact(randomUUID());
  const effects: Effect[] = [];
  for (const step of steps) {
    const applied = step(fact);
    fact = applied.fact;
    effects.push(...applied.effects);
  }
  return { fact, effects };
}

const productId = randomUUID();
const placedAt = at('2026-03-01T10:15:00Z');
const paidAt = at('2026-03-02T09:05:00Z');
const lines = [{ productId, quantity: 3, unitPrice: eur(500) }];
const placed = (fact: OrderFact) => orderPlaced(fact, { at: placedAt, total: eur(1500), lines });
const paid = (fact: OrderFact) => orderPaid(fact, { at: paidAt });
const cancelled = (fact: OrderFact) => orderCancelled(fact, { at: at('2026-03-03T00:00:00Z') });

const units = (effects: Effect[]) =>
  effects.flatMap((effect) => (effect.kind === 'units' ? [[effect.day, effect.quantity, effect.revenueMinor]] : []));
const revenue = (effects: Effect[]) =>
  effects.flatMap((effect) => (effect.kind === 'revenue' ? [[effect.hour, effect.paidOrders, effect.paidMinor]] : []));

describe('an order in the read model', () => {
  it('counts revenue and units at the hour and day it was paid', () => {
    const { effects } = run([placed, paid]);
    expect(revenue(effects)).toEqual([[Math.floor(paidAt.getTime() / hourMs), 1, 1500]]);
    expect(units(effects)).toEqual([[Math.floor(paidAt.getTime() / dayMs), 3, 1500]]);
  });

  it('comes to the same figures when paid arrives before placed (the paid event without a total)', () => {
    const inOrder = run([placed, paid]).effects;
    const reversed = run([paid, placed]).effects;
    const key = (effect: Effect) => JSON.stringify(effect);
    expect(reversed.map(key).sort()).toEqual(inOrder.map(key).sort());
  });

  it('counts each step once, however often it is applied', () => {
    const once = run([placed, paid, cancelled]).effects;
    const twice = run([placed, placed, paid, paid, cancelled, cancelled]).effects;
    expect(twice).toEqual(once);
  });

  it('takes back the units of an order cancelled after it was paid, from the day it was paid', () => {
    const { effects, fact } = run([placed, paid, cancelled]);
    expect(units(effects)).toEqual([
      [Math.floor(paidAt.getTime() / dayMs), 3, 1500],
      [Math.floor(paidAt.getTime() / dayMs), -3, -1500],
    ]);
    // The revenue stays: payments' refund event takes it back.
    expect(revenue(effects)).toHaveLength(1);
    expect(fact.unitsCounted).toBe(false);
  });

  it('counts a held order once, at the hour it was held, whether its hold comes before or after its placement', () => {
    const heldAt = at('2026-03-01T10:16:00Z');
    const held = (fact: OrderFact) => orderHeld(fact, { at: heldAt });
    const heldCounts = (effects: Effect[]) =>
      effects.flatMap((effect) => (effect.kind === 'activity' && effect.field === 'held' ? [effect.hour] : []));
    expect(heldCounts(run([placed, held, held, paid]).effects)).toEqual([Math.floor(heldAt.getTime() / hourMs)]);
    expect(heldCounts(run([held, placed, held]).effects)).toEqual([Math.floor(heldAt.getTime() / hourMs)]);
    expect(heldCounts(run([placed, paid]).effects)).toEqual([]);
  });

  it('never counts the units of an order whose cancellation came before its placement', () => {
    expect(units(run([paid, cancelled, placed]).effects)).toEqual([]);
  });
});

describe('time buckets', () => {
  it('takes every hour or day the range overlaps, and lists each bucket even when empty', () => {
    const from = at('2026-03-01T10:30:00Z');
    const to = at('2026-03-01T13:00:00Z');
    expect(bucketStarts(bucketsOverlapping(from, to, 'hour'), 'hour').map((d) => d.toISOString())).toEqual([
      '2026-03-01T10:00:00.000Z',
      '2026-03-01T11:00:00.000Z',
      '2026-03-01T12:00:00.000Z',
    ]);
    const days = bucketsOverlapping(from, at('2026-03-03T00:00:01Z'), 'day');
    expect(bucketStarts(days, 'day').map((d) => d.toISOString().slice(0, 10))).toEqual([
      '2026-03-01',
      '2026-03-02',
      '2026-03-03',
    ]);
    expect(hoursOverlapping(from, to, 'day')).toEqual({ first: days.first * 24, end: (days.first + 1) * 24 });
  });

  it('defaults to the last 30 days and refuses a range that ends before it starts or spans over 366 days', () => {
    const now = at('2026-03-31T00:00:00Z');
    expect(reportRange({}, now)).toEqual({ ok: true, from: at('2026-03-01T00:00:00Z'), to: now });
    expect(reportRange({ from: now, to: now }, now)).toMatchObject({ ok: false, field: 'to' });
    expect(reportRange({ from: at('2025-01-01T00:00:00Z'), to: now }, now)).toMatchObject({ ok: false, field: 'to' });
    expect(reportRange({ from: at('2025-01-01T00:00:00Z') }, now)).toMatchObject({ ok: false, field: 'from' });
    expect(reportRange({ from: at('2025-03-30T00:00:00Z'), to: now }, now)).toMatchObject({ ok: true });
  });
});

describe('daily demand', () => {
  const model = { halfLifeDays: 7, windowDays: 42 };
  const today = 20_000;

  it('is the steady rate when every day sold the same', () => {
    const steady = new Map(Array.from({ length: 42 }, (_, age) => [today - age, 4]));
    expect(dailyDemand(steady, today, model)).toBeCloseTo(4, 10);
  });

  it('weighs a day one half-life ago half as much as today', () => {
    const recent = dailyDemand(new Map([[today, 10]]), today, model);
    const weekAgo = dailyDemand(new Map([[today - 7, 10]]), today, model);
    expect(weekAgo / recent).toBeCloseTo(0.5, 10);
  });

  it('is zero when nothing sold, so a stock-out never comes', () => {
    expect(dailyDemand(new Map(), today, model)).toBe(0);
    expect(daysToStockOut(50, 0)).toBeNull();
    expect(daysToStockOut(50, 2.5)).toBe(20);
    expect(daysToStockOut(0, 2.5)).toBe(0);
  });

  it('orders the outlook soonest stock-out first, never-running-out last', () => {
    const line = (name: string, days: number | null): StockOutlookLine => ({
      productId: randomUUID(),
      name,
      available: 1,
      dailyDemand: 1,
      daysToStockOut: days,
    });
    const sorted = [line('a', null), line('b', 9), line('c', 0.5), line('d', null)].sort(bySoonestStockOut);
    expect(sorted.map((item) => item.name)).toEqual(['c', 'b', 'a', 'd']);
  });
});
