import { randomUUID } from 'node:crypto';
import { createLogger, transaction } from '@shop/kit';
import type { DataSource } from 'typeorm';
import { assessOrder } from '../src/application/assess-order';
import { recordDecline, recordPaidOrder, recordRegistration } from '../src/application/learn-from-events';
import type { FraudDeps } from '../src/application/ports';
import { fraudStoreOf } from '../src/infrastructure/typeorm-fraud-store';
import { fraudDepsOver, openSqliteFraudDatabase } from './support/fraud-database';
import { assessmentRequestFor } from './support/orders';

const ctx = { log: createLogger({ name: 'fraud-test', level: 'fatal' }) };
let dataSource: DataSource;
let deps: ReturnType<typeof fraudDepsOver>;

beforeAll(async () => {
  dataSource = await openSqliteFraudDatabase();
  deps = fraudDepsOver(dataSource);
});
afterAll(() => dataSource.destroy());

const inEvent = <T>(work: (deps: { store: ReturnType<typeof fraudStoreOf> }) => Promise<T>) =>
  transaction(dataSource, (tx) => work({ store: fraudStoreOf(tx) }));
const minutesAfter = (start: Date, minutes: number) => new Date(start.getTime() + minutes * 60_000).toISOString();

describe('assessing an order', () => {
  it('scores a new order once and answers the stored assessment to a retry, whatever the retry says', async () => {
    const order = assessmentRequestFor();
    const first = await assessOrder(ctx, order, deps);
    expect(first.outcome).toBe('assessed');
    const retry = await assessOrder(ctx, { ...order, total: { amount: 900_000, currency: 'EUR' } }, deps);
    expect(retry).toEqual({ outcome: 'existing', assessment: first.assessment });
  });

  it("counts a retried order once in the customer's velocity", async () => {
    const customerId = randomUUID();
    const start = new Date();
    const orders = Array.from({ length: 5 }, (_, i) =>
      assessmentRequestFor({ customerId, placedAt: minutesAfter(start, i) }),
    );
    for (const order of orders) {
      await assessOrder(ctx, order, deps);
      await assessOrder(ctx, order, deps); // every placement retried
    }
    const sixth = await assessOrder(ctx, assessmentRequestFor({ customerId, placedAt: minutesAfter(start, 5) }), deps);
    expect(sixth.assessment.reasons[0]).toBe('customer-velocity');
    expect(sixth.assessment.score).toBeGreaterThanOrEqual(70);
    // Five orders with five retries are five: the fifth was not held.
    const fifth = await assessOrder(ctx, orders[4] as (typeof orders)[number], deps);
    expect(fifth.assessment.score).toBeLessThan(70);
  });

  it('counts only the orders within the ten minutes before', async () => {
    const customerId = randomUUID();
    const start = new Date('2026-03-10T12:00:00Z');
    for (let i = 0; i < 5; i += 1)
      await assessOrder(ctx, assessmentRequestFor({ customerId, placedAt: minutesAfter(start, i) }), deps);
    // At 10.5 minutes the first order left the window: four before it, the contract's rule does not hold it.
    const sixth = await assessOrder(
      ctx,
      assessmentRequestFor({ customerId, placedAt: minutesAfter(start, 10.5) }),
      deps,
    );
    expect(sixth.assessment.score).toBeLessThan(70);
    // At 15 minutes none of the first five is in the window (the sixth is): no velocity at all.
    const seventh = await assessOrder(
      ctx,
      assessmentRequestFor({ customerId, placedAt: minutesAfter(start, 15) }),
      deps,
    );
    expect(seventh.assessment.reasons).not.toContain('customer-velocity');
  });

  it('reports each new assessment to the metrics, and a retry not again', async () => {
    const before = deps.observed.length;
    const order = assessmentRequestFor({ total: { amount: 600_000, currency: 'EUR' } });
    await assessOrder(ctx, order, deps);
    await assessOrder(ctx, order, deps);
    expect(deps.observed.length).toBe(before + 1);
    expect(deps.observed.at(-1)).toMatchObject({
      held: true,
      reasons: expect.arrayContaining(['total-above-review-limit']),
    });
  });
});

describe('learning from events', () => {
  it("knows a new account's age from its registration", async () => {
    const customerId = randomUUID();
    const placedAt = new Date();
    await inEvent((d) =>
      recordRegistration(ctx, { customerId, registeredAt: new Date(placedAt.getTime() - 5 * 60_000) }, d),
    );
    const fresh = await assessOrder(ctx, assessmentRequestFor({ customerId, placedAt: placedAt.toISOString() }), deps);
    expect(fresh.assessment.reasons).toEqual(['new-account']);
    expect(fresh.assessment.score).toBe(25);
    const old = randomUUID();
    await inEvent((d) =>
      recordRegistration(ctx, { customerId: old, registeredAt: new Date('2020-01-01T00:00:00Z') }, d),
    );
    const known = await assessOrder(ctx, assessmentRequestFor({ customerId: old }), deps);
    expect(known.assessment).toMatchObject({ score: 0, reasons: [] });
  });

  it("flags an amount far above the customer's paid orders, learnt from order-paid", async () => {
    const customerId = randomUUID();
    await inEvent((d) => recordRegistration(ctx, { customerId, registeredAt: new Date('2020-01-01T00:00:00Z') }, d));
    for (const amount of [2_000, 2_400, 3_100]) {
      const outcome = await inEvent((d) =>
        recordPaidOrder(ctx, { orderId: randomUUID(), customerId, total: { amount, currency: 'EUR' } }, d),
      );
      expect(outcome).toBe('learnt');
    }
    const usual = await assessOrder(
      ctx,
      assessmentRequestFor({ customerId, total: { amount: 2_600, currency: 'EUR' } }),
      deps,
    );
    expect(usual.assessment.reasons).toEqual([]);
    const unusual = await assessOrder(
      ctx,
      assessmentRequestFor({ customerId, total: { amount: 60_000, currency: 'EUR' } }),
      deps,
    );
    expect(unusual.assessment.reasons).toContain('amount-unusual-for-customer');
  });

  it("takes a paid order's amount from its assessment when the event carries none", async () => {
    const order = assessmentRequestFor();
    await assessOrder(ctx, order, deps);
    expect(
      await inEvent((d) => recordPaidOrder(ctx, { orderId: order.orderId, customerId: order.customerId }, d)),
    ).toBe('learnt');
    expect(await inEvent((d) => recordPaidOrder(ctx, { orderId: randomUUID(), customerId: order.customerId }, d))).toBe(
      'no-amount',
    );
  });

  it("maps a decline to the customer and the card of the order's assessment, once", async () => {
    const customerId = randomUUID();
    const card = { fingerprint: `card-${randomUUID().slice(0, 12)}`, country: 'DE' };
    const declined = assessmentRequestFor({ customerId, card });
    await assessOrder(ctx, declined, deps);
    const failedAt = new Date(Date.parse(declined.placedAt) + 1_000);
    expect(await inEvent((d) => recordDecline(ctx, { orderId: declined.orderId, failedAt }, d))).toBe('recorded');
    expect(await inEvent((d) => recordDecline(ctx, { orderId: declined.orderId, failedAt }, d))).toBe('duplicate');

    const next = assessmentRequestFor({
      customerId,
      card,
      placedAt: new Date(failedAt.getTime() + 60_000).toISOString(),
    });
    expect((await assessOrder(ctx, next, deps)).assessment.reasons).toEqual(
      expect.arrayContaining(['recent-declines', 'card-declines']),
    );
    // Another customer with the same card hears of the card's decline, not of a decline of their own.
    const other = assessmentRequestFor({ card, placedAt: next.placedAt });
    const reasons = (await assessOrder(ctx, other, deps)).assessment.reasons;
    expect(reasons).toContain('card-declines');
    expect(reasons).not.toContain('recent-declines');
  });

  it('ignores a decline of an order it never assessed', async () => {
    expect(await inEvent((d) => recordDecline(ctx, { orderId: randomUUID(), failedAt: new Date() }, d))).toBe(
      'unknown-order',
    );
  });
});

export type { FraudDeps };
