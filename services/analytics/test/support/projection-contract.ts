import { randomUUID } from 'node:crypto';
import { type EventEnvelope, type Money, type Topic, topics } from '@shop/contracts';
import { createLogger, inboxIntake, type Subscription } from '@shop/kit';
import type { DataSource } from 'typeorm';
import type { ReadDeps } from '../../src/application/ports';
import { salesSeries, stockOutlook, summaryOf, topProducts } from '../../src/application/read-metrics';
import { storeOfTx, typeormReads } from '../../src/infrastructure/typeorm-store';
import { analyticsSubscriptions } from '../../src/subscriptions/analytics-subscriptions';

export interface ProjectionDatabase {
  dataSource: DataSource;
  close(): Promise<void>;
}

const log = createLogger({ name: 'analytics-test', level: 'fatal' });
const ctx = { log };
const eur = (amount: number): Money => ({ amount, currency: 'EUR' });
const usd = (amount: number): Money => ({ amount, currency: 'USD' });

/**
 * The projections through the kit's real intake on a real database: every event is delivered twice (the second
 * a redelivery of the same event id), some out of order, and the figures read back through the endpoints'
 * handlers must count each once.
 */
export function projectionContract(database: string, open: () => Promise<ProjectionDatabase>): void {
  describe(`the analytics projections on ${database}`, () => {
    let db: ProjectionDatabase;
    let intake: Map<string, Subscription>;
    let deps: ReadDeps;
    let projected = 0;
    const now = new Date('2026-03-10T12:30:00Z');

    beforeAll(async () => {
      db = await open();
      const subscriptions = inboxIntake(analyticsSubscriptions, {
        service: 'analytics',
        log,
        dataSource: db.dataSource,
        deps: { storeOf: storeOfTx, projected: () => (projected += 1) },
      });
      intake = new Map(subscriptions.map((subscription) => [subscription.topic, subscription]));
      deps = {
        reads: typeormReads(db.dataSource),
        clock: { now: () => now },
        demand: { halfLifeDays: 7, windowDays: 42 },
      };
    }, 120_000);

    afterAll(() => db?.close());

    /** Delivers the event twice, as a mesh redelivering it would. */
    async function deliver<T>(topic: Topic, data: T): Promise<void> {
      const event: EventEnvelope<T> = { id: randomUUID(), type: topic, occurredAt: now.toISOString(), data };
      const subscription = intake.get(topic);
      if (!subscription) throw new Error(`no subscription to ${topic}`);
      for (let delivery = 0; delivery < 2; delivery += 1) {
        const outcome = await subscription.handle(event);
        expect(outcome ?? 'success').toBe('success');
      }
    }

    const customerId = randomUUID();
    const widget = randomUUID();
    const gadget = randomUUID();
    const idle = randomUUID();
    const status = (orderId: string, value: string, at: string, extra: Record<string, unknown> = {}) => ({
      orderId,
      customerId,
      status: value,
      at,
      ...extra,
    });
    const placed = (orderId: string, at: string, items: Array<[string, number, Money]>) => ({
      orderId,
      customerId,
      items: items.map(([productId, quantity, unitPrice]) => ({ productId, quantity, unitPrice })),
      total: {
        amount: items.reduce((sum, [, quantity, price]) => sum + quantity * price.amount, 0),
        currency: items[0]?.[2].currency ?? 'EUR',
      },
      paymentMethodId: 'pm_1',
      placedAt: at,
    });

    it('counts every event once, whatever the redelivery and the order of arrival', async () => {
      const [a, b, c, d, e] = [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      await deliver(topics.productCreated, {
        productId: widget,
        sku: 'W-1',
        name: 'Widget',
        price: eur(500),
        categoryId: randomUUID(),
        status: 'active',
        initialStock: 100,
        createdAt: '2026-03-01T00:00:00Z',
      });
      // A rename, then an older rename arriving late: the newer name stays.
      const rename = (name: string, updatedAt: string) => ({
        productId: widget,
        sku: 'W-1',
        name,
        price: eur(500),
        categoryId: randomUUID(),
        status: 'active',
        updatedAt,
      });
      await deliver(topics.productUpdated, rename('Widget Pro', '2026-03-05T00:00:00Z'));
      await deliver(topics.productUpdated, rename('Widget Old', '2026-03-02T00:00:00Z'));
      // Stock levels with versions, the older one arriving last.
      const stock = (productId: string, available: number, version: number) => ({
        productId,
        onHand: available,
        reserved: 0,
        available,
        version,
        at: '2026-03-10T10:00:00Z',
      });
      await deliver(topics.stockChanged, stock(widget, 40, 7));
      await deliver(topics.stockChanged, stock(widget, 90, 3));
      await deliver(topics.stockChanged, stock(gadget, 10, 1));
      await deliver(topics.stockChanged, stock(idle, 5, 1));

      // a: placed and paid in EUR (3 widgets); b: paid BEFORE placed, in USD (2 gadgets, no total on paid);
      // c: placed, paid, cancelled and refunded (1 widget); d: failed for stock; e: placed only.
      await deliver(topics.orderPlaced, placed(a, '2026-03-10T09:10:00Z', [[widget, 3, eur(500)]]));
      await deliver(topics.orderPaid, status(a, 'Paid', '2026-03-10T09:11:00Z', { total: eur(1500) }));
      await deliver(topics.orderPaid, status(b, 'Paid', '2026-03-09T15:00:00Z'));
      await deliver(topics.orderPlaced, placed(b, '2026-03-09T14:59:00Z', [[gadget, 2, usd(1250)]]));
      await deliver(topics.orderPlaced, placed(c, '2026-03-09T08:00:00Z', [[widget, 1, eur(500)]]));
      await deliver(topics.orderPaid, status(c, 'Paid', '2026-03-09T08:01:00Z', { total: eur(500) }));
      await deliver(topics.orderCancelled, status(c, 'Cancelled', '2026-03-10T11:00:00Z', { refund: eur(500) }));
      await deliver(topics.paymentRefunded, {
        orderId: c,
        paymentId: randomUUID(),
        refundId: randomUUID(),
        amount: eur(500),
        refundedTotal: eur(500),
        reason: 'order cancelled',
        refundedAt: '2026-03-10T11:00:05Z',
      });
      await deliver(topics.orderPlaced, placed(d, '2026-03-10T10:00:00Z', [[widget, 200, eur(500)]]));
      await deliver(
        topics.orderFailed,
        status(d, 'Failed', '2026-03-10T10:00:01Z', { failureReason: 'OutOfStock', total: eur(100_000) }),
      );
      await deliver(topics.orderPlaced, placed(e, '2026-03-10T12:00:00Z', [[gadget, 1, usd(1250)]]));
      // f: placed, held for fraud review and rejected; g: held before its placement arrived, held again by a second
      // event, and still waiting for the review.
      const [f, g] = [randomUUID(), randomUUID()];
      await deliver(topics.orderPlaced, placed(f, '2026-03-10T08:00:00Z', [[widget, 2000, eur(500)]]));
      await deliver(topics.orderHeld, status(f, 'OnHold', '2026-03-10T08:00:00Z'));
      await deliver(
        topics.orderFailed,
        status(f, 'Failed', '2026-03-10T08:30:00Z', { failureReason: 'FraudSuspected' }),
      );
      await deliver(topics.orderHeld, status(g, 'OnHold', '2026-03-10T07:00:00Z'));
      await deliver(topics.orderPlaced, placed(g, '2026-03-10T07:00:00Z', [[gadget, 500, usd(1250)]]));
      await deliver(topics.orderHeld, status(g, 'OnHold', '2026-03-10T07:00:01Z'));
      await deliver(topics.customerRegistered, {
        customerId,
        email: 'a@example.com',
        name: 'A',
        registeredAt: '2026-03-08T00:00:00Z',
      });

      const summary = await summaryOf(ctx, { from: new Date('2026-03-01T00:00:00Z'), to: now }, deps);
      expect(summary).toEqual({
        from: '2026-03-01T00:00:00.000Z',
        to: now.toISOString(),
        orders: {
          placed: 7,
          held: 2,
          paid: 3,
          failed: 2,
          cancelled: 1,
          failedByReason: { OutOfStock: 1, PaymentDeclined: 0, ReservationExpired: 0, FraudSuspected: 1 },
        },
        revenue: [eur(1500), usd(2500)],
        averageOrderValue: [eur(1000), usd(2500)],
        customers: { registered: 1 },
      });
      // Each event's figures committed once: the redeliveries ran nothing.
      expect(projected).toBe(25);
      // Held counts at the hour it was held: none before it.
      const beforeHolds = { from: new Date('2026-03-10T00:00:00Z'), to: new Date('2026-03-10T06:59:59Z') };
      expect((await summaryOf(ctx, beforeHolds, deps)).orders.held).toBe(0);
    });

    it('counts exactly under concurrency: events of one order, and of many orders in one hour, at once', async () => {
      const hour = '2025-12-10T10'; // outside the demand window of the stock outlook below
      const range = { from: new Date(`${hour}:00:00Z`), to: new Date(`${hour}:59:59Z`) };
      const orderIds = Array.from({ length: 12 }, () => randomUUID());
      await Promise.all(
        orderIds.flatMap((orderId, n) => [
          deliver(topics.orderPlaced, placed(orderId, `${hour}:0${n % 10}:00Z`, [[widget, 1, eur(100)]])),
          deliver(topics.orderPaid, status(orderId, 'Paid', `${hour}:3${n % 10}:00Z`)),
        ]),
      );
      const summary = await summaryOf(ctx, range, deps);
      expect(summary.orders).toMatchObject({ placed: 12, paid: 12 });
      expect(summary.revenue).toEqual([eur(1200)]);
      const sold = await topProducts(ctx, { ...range, limit: 10 }, deps);
      expect(sold).toEqual([{ productId: widget, name: 'Widget Pro', quantity: 12, revenue: eur(1200) }]);
    });

    it('answers the sales series with every bucket, the empty ones as zeros', async () => {
      const range = { from: new Date('2026-03-09T00:00:00Z'), to: new Date('2026-03-11T00:00:00Z') };
      const daily = await salesSeries(ctx, { ...range, interval: 'day' }, deps);
      expect(daily).toEqual({
        interval: 'day',
        points: [
          { at: '2026-03-09T00:00:00.000Z', orders: 2, revenue: [eur(500), usd(2500)] },
          { at: '2026-03-10T00:00:00.000Z', orders: 1, revenue: [eur(1000)] },
        ],
      });
      const hourly = await salesSeries(ctx, { ...range, interval: 'hour' }, deps);
      expect(hourly.points).toHaveLength(48);
      expect(hourly.points.filter((point) => point.orders > 0).map((point) => point.at)).toEqual([
        '2026-03-09T08:00:00.000Z',
        '2026-03-09T15:00:00.000Z',
        '2026-03-10T09:00:00.000Z',
      ]);
      expect(hourly.points.find((point) => point.at === '2026-03-10T11:00:00.000Z')).toEqual({
        at: '2026-03-10T11:00:00.000Z',
        orders: 0,
        revenue: [eur(-500)],
      });
      expect(hourly.points[0]).toEqual({ at: '2026-03-09T00:00:00.000Z', orders: 0, revenue: [] });
    });

    it('ranks products by units sold, a cancelled order’s units taken back', async () => {
      const top = await topProducts(ctx, { from: new Date('2026-03-01T00:00:00Z'), to: now, limit: 10 }, deps);
      expect(top).toEqual([
        { productId: widget, name: 'Widget Pro', quantity: 3, revenue: eur(1500) },
        { productId: gadget, name: gadget, quantity: 2, revenue: usd(2500) },
      ]);
      expect(await topProducts(ctx, { from: new Date('2026-03-01T00:00:00Z'), to: now, limit: 1 }, deps)).toHaveLength(
        1,
      );
    });

    it('forecasts stock-outs from the weighted daily demand, the soonest first and null when nothing sells', async () => {
      const outlook = await stockOutlook(ctx, { limit: 10 }, deps);
      expect(outlook.map((line) => [line.productId, line.available])).toEqual([
        [gadget, 10],
        [widget, 40],
        [idle, 5],
      ]);
      // Gadget: 2 units yesterday (weight 0.5^(1/7)); widget: 3 today (weight 1); window of 42 days.
      const weights = Array.from({ length: 42 }, (_, age) => 0.5 ** (age / 7)).reduce((a, b) => a + b, 0);
      const gadgetDemand = (2 * 0.5 ** (1 / 7)) / weights;
      const widgetDemand = 3 / weights;
      expect(outlook[0]?.dailyDemand).toBeCloseTo(gadgetDemand, 3);
      expect(outlook[0]?.daysToStockOut).toBeCloseTo(10 / gadgetDemand, 0);
      expect(outlook[1]?.dailyDemand).toBeCloseTo(widgetDemand, 3);
      expect(outlook[2]).toEqual({ productId: idle, name: idle, available: 5, dailyDemand: 0, daysToStockOut: null });
    });

    it("names a product by the catalog's latest change, two within one millisecond ordered by their versions", async () => {
      const lamp = randomUUID();
      const at = '2026-03-10T11:00:00.000Z';
      const fields = { productId: lamp, sku: 'L-1', price: eur(900), categoryId: randomUUID(), status: 'active' };
      await deliver(topics.productCreated, { ...fields, name: 'Lamp', initialStock: 3, createdAt: at, version: 1 });
      // The later change first, the earlier one after it: the same instant cannot tell them apart.
      await deliver(topics.productUpdated, { ...fields, name: 'Lamp B', updatedAt: at, version: 3 });
      await deliver(topics.productUpdated, { ...fields, name: 'Lamp A', updatedAt: at, version: 2 });
      await deliver(topics.stockChanged, { productId: lamp, onHand: 3, reserved: 0, available: 3, version: 1, at });
      const outlook = await stockOutlook(ctx, { limit: 10 }, deps);
      expect(outlook.find((line) => line.productId === lamp)?.name).toBe('Lamp B');
    });
  });
}
