import { randomUUID } from 'node:crypto';
import { type Assessment, topics } from '@shop/contracts';
import { type FraudApp, startFraudApp } from './fraud-app';
import { assessmentRequestFor } from './orders';

export interface FraudDatabase {
  url: string;
  close(): Promise<void>;
}

const minutesAfter = (start: Date, minutes: number) => new Date(start.getTime() + minutes * 60_000).toISOString();

/**
 * The route and the subscriptions of the fraud service as its sidecar calls them, on a real database: idempotent
 * assessments (retries and racing twins), and what it learns from events, each event once whatever the redelivery.
 */
export function assessmentContract(database: string, open: () => Promise<FraudDatabase>): void {
  describe(`the fraud service on ${database}`, () => {
    let db: FraudDatabase;
    let app: FraudApp;

    beforeAll(async () => {
      db = await open();
      app = await startFraudApp(db.url);
    }, 120_000);
    afterAll(async () => {
      await app?.stop();
      await db?.close();
    });

    it('answers 201 with the assessment, then 200 with the same one to a retry', async () => {
      const order = assessmentRequestFor();
      const first = await app.assess(order);
      expect(first.status).toBe(201);
      expect(first.body).toEqual({
        orderId: order.orderId,
        // An account never heard of: unknown age, the one small weight.
        score: 5,
        reasons: ['new-account'],
        assessedAt: expect.any(String),
      });
      const retry = await app.assess(order);
      expect(retry).toEqual({ status: 200, body: first.body });
    });

    it('answers one assessment to twins racing for the same order', async () => {
      const order = assessmentRequestFor({ total: { amount: 700_000, currency: 'EUR' } });
      const answers = await Promise.all(Array.from({ length: 6 }, () => app.assess(order)));
      expect(answers.filter((answer) => answer.status === 201)).toHaveLength(1);
      expect(answers.filter((answer) => answer.status === 200)).toHaveLength(5);
      const bodies = new Set(answers.map((answer) => JSON.stringify(answer.body)));
      expect(bodies.size).toBe(1);
      expect(answers[0]?.body).toMatchObject({ reasons: ['total-above-review-limit', 'new-account'] });
    });

    it("holds a customer's sixth order in ten minutes, retries of the first five counted once", async () => {
      const customerId = randomUUID();
      const start = new Date();
      for (let i = 0; i < 5; i += 1) {
        const order = assessmentRequestFor({ customerId, placedAt: minutesAfter(start, i) });
        expect((await app.assess(order)).status).toBe(201);
        expect((await app.assess(order)).status).toBe(200);
      }
      const sixth = await app.assess(assessmentRequestFor({ customerId, placedAt: minutesAfter(start, 5) }));
      expect(sixth.body).toMatchObject({ score: 70, reasons: expect.arrayContaining(['customer-velocity']) });
    });

    it("counts a customer's concurrent placements exactly, across replicas: each sees every one assessed before it", async () => {
      // A second replica on the same database: its own connections, so nothing in one process orders the two.
      const replica = await startFraudApp(db.url);
      try {
        const customerId = randomUUID();
        const placedAt = new Date().toISOString();
        const placements = 9;
        const answers = await Promise.all(
          Array.from({ length: placements }, (_, i) =>
            (i % 2 === 0 ? app : replica).assess(assessmentRequestFor({ customerId, placedAt })),
          ),
        );
        expect(answers.map((answer) => answer.status)).toEqual(Array(placements).fill(201));
        const bodies = answers.map((answer) => answer.body as Assessment);
        // Assessed one after another whatever the arrival: 0..8 orders before, so velocity from the fourth (3 before)
        // and held from the sixth (5 before, the contract's rule): 6 with the signal, 4 held.
        expect(bodies.filter((body) => body.reasons.includes('customer-velocity'))).toHaveLength(6);
        expect(bodies.filter((body) => body.score >= 70)).toHaveLength(4);
        const tenth = await app.assess(assessmentRequestFor({ customerId, placedAt }));
        expect(tenth.body).toMatchObject({ score: 70, reasons: expect.arrayContaining(['customer-velocity']) });
      } finally {
        await replica.stop();
      }
    });

    it('learns account age from customers.customer-registered, each event once', async () => {
      const customerId = randomUUID();
      const eventId = randomUUID();
      const registered = {
        customerId,
        email: 'new@example.com',
        name: 'New',
        registeredAt: new Date(Date.now() - 10 * 60_000).toISOString(),
      };
      expect(await app.deliver(topics.customerRegistered, registered, eventId)).toBe('SUCCESS');
      expect(await app.deliver(topics.customerRegistered, registered, eventId)).toBe('SUCCESS');
      const answer = await app.assess(assessmentRequestFor({ customerId }));
      expect(answer.body).toMatchObject({ score: 25, reasons: ['new-account'] });
    });

    it('learns paid amounts from orders.order-paid, a redelivered event counted once', async () => {
      const customerId = randomUUID();
      await app.deliver(topics.customerRegistered, {
        customerId,
        email: 'old@example.com',
        name: 'Old',
        registeredAt: '2020-01-01T00:00:00.000Z',
      });
      const paid = (amount: number) => ({
        orderId: randomUUID(),
        customerId,
        status: 'Paid',
        at: new Date().toISOString(),
        total: { amount, currency: 'EUR' },
      });
      // Two paid orders, each delivered twice: too few (3 needed) to judge the customer's usual amount.
      for (const data of [paid(2_000), paid(2_200)]) {
        const id = randomUUID();
        expect(await app.deliver(topics.orderPaid, data, id)).toBe('SUCCESS');
        expect(await app.deliver(topics.orderPaid, data, id)).toBe('SUCCESS');
      }
      const big = { total: { amount: 90_000, currency: 'EUR' } };
      expect((await app.assess(assessmentRequestFor({ customerId, ...big }))).body).toMatchObject({ reasons: [] });
      // A third one: now the customer's amounts are judged.
      await app.deliver(topics.orderPaid, paid(2_100));
      expect((await app.assess(assessmentRequestFor({ customerId, ...big }))).body).toMatchObject({
        reasons: ['amount-unusual-for-customer'],
      });
    });

    it("maps payments.payment-failed to the order's customer and card, and ignores an order it never assessed", async () => {
      const customerId = randomUUID();
      const card = { fingerprint: `card-${randomUUID().slice(0, 12)}`, country: 'DE' };
      const declined = assessmentRequestFor({ customerId, card });
      await app.assess(declined);
      const failed = (orderId: string) => ({
        orderId,
        paymentId: randomUUID(),
        reason: 'card-declined',
        failedAt: new Date().toISOString(),
      });
      expect(await app.deliver(topics.paymentFailed, failed(declined.orderId))).toBe('SUCCESS');
      // Another event for the same order (a second decline event id): one decline all the same.
      expect(await app.deliver(topics.paymentFailed, failed(declined.orderId))).toBe('SUCCESS');
      expect(await app.deliver(topics.paymentFailed, failed(randomUUID()))).toBe('SUCCESS');

      const next = await app.assess(assessmentRequestFor({ customerId, card }));
      expect((next.body as Assessment).reasons).toEqual(expect.arrayContaining(['recent-declines', 'card-declines']));
      // One decline each: 20 (customer) + 25 (card) + 5 (unknown age) = 50, not held.
      expect(next.body).toMatchObject({ score: 50 });
      expect(await app.metrics()).toMatch(/^fraud_declines_unmapped_total\{[^}]*\} 1$/m);
    });

    it('counts assessments by outcome, their scores and the scoring time on /metrics', async () => {
      const metrics = await app.metrics();
      expect(metrics).toMatch(/^fraud_assessments_total\{outcome="held"[^}]*\} [1-9]/m);
      expect(metrics).toMatch(/^fraud_assessments_total\{outcome="passed"[^}]*\} [1-9]/m);
      expect(metrics).toMatch(/^fraud_assessment_score_bucket\{le="70"[^}]*\} [1-9]/m);
      expect(metrics).toMatch(/^fraud_scoring_duration_seconds_count\{[^}]*\} [1-9]/m);
    });
  });
}
