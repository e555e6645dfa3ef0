import { createHmac, randomUUID } from 'node:crypto';
import { type PaymentSucceeded, topics } from '@shop/contracts';
import { issuingCountryOf, passesLuhn, testCardCountries } from '../src/domain/card';
import { cards, eventually, nextYear, type RunningPayments, startPayments } from './support/payments-platform';

const secret = 'a-card-fingerprint-secret-for-this-test-only';
let payments: RunningPayments;

beforeAll(async () => {
  payments = await startPayments({ env: { CARD_FINGERPRINT_SECRET: secret } });
});
afterAll(() => payments.stop());

const succeededFor = (orderId: string) =>
  payments.events<PaymentSucceeded>(topics.paymentSucceeded).filter((event) => event.orderId === orderId);

async function settle() {
  await payments.platform.bus.drain();
  await new Promise((resolve) => setTimeout(resolve, 50));
  await payments.platform.bus.drain();
}

/** The gateway's charges of one payment (authorization, capture, void), read from its ledger. */
async function chargesOf(paymentId: string) {
  const rows = await payments.gatewayQuery<{ status: string }>(
    'SELECT status FROM gateway_charges WHERE idempotency_key = ?',
    [`payment:${paymentId}`],
  );
  return rows.map((row) => row.status);
}

async function reviewFlagOf(orderId: string): Promise<number | boolean | undefined> {
  const rows = (await payments.everyRow())['payments.sqlite:payments'] ?? [];
  return rows.find((row) => row.order_id === orderId)?.review_required as number | undefined;
}

/** A payment opened by placement for an order held for review (or not). */
async function heldOrder(review = true) {
  const order = {
    orderId: randomUUID(),
    customerId: randomUUID(),
    total: { amount: 3100, currency: 'EUR' },
    paymentMethodId: await payments.vaultCard(cards.approved),
  };
  expect((await payments.open({ ...order, review })).status).toBe(201);
  return order;
}

async function scrapeReviewSteps(): Promise<Record<string, number>> {
  const text = await (await fetch(`${payments.platform.url}/metrics`)).text();
  const steps: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const match = /^payments_review_payments_total\{step="([^"]+)"\} (\d+)/.exec(line);
    if (match?.[1]) steps[match[1]] = Number(match[2]);
  }
  return steps;
}

describe("the vault's answer for the fraud review", () => {
  it('fingerprints a card number: HMAC-SHA256 of its digits under the payments secret, the same across vaultings', async () => {
    const vaulted = async (cardNumber: string) =>
      (await payments.vault({ cardNumber, expMonth: 12, expYear: nextYear(), cvc: '314' })).body as {
        fingerprint: string;
        paymentMethodId: string;
      };
    const german = '4000002760000016';
    const first = await vaulted('4000 0027 6000 0016');
    const again = await vaulted('4000-0027-6000-0016');
    const other = await vaulted(cards.otherMastercard);
    expect(first.fingerprint).toBe(createHmac('sha256', secret).update(german).digest('base64url'));
    expect(again.fingerprint).toBe(first.fingerprint);
    expect(again.paymentMethodId).not.toBe(first.paymentMethodId);
    expect(other.fingerprint).not.toBe(first.fingerprint);
    // Not a plain hash of the number, which anyone could test guessed numbers against.
    expect(first.fingerprint).not.toBe(createHmac('sha256', '').update(german).digest('base64url'));
  });

  it("gives each vaulting of a shared test number (4242…, the declined ones) a card of its own: they stand for every customer's own card", async () => {
    const vaulted = async (cardNumber: string) =>
      (await payments.vault({ cardNumber, expMonth: 12, expYear: nextYear(), cvc: '314' })).body as {
        fingerprint: string;
      };
    for (const shared of [cards.approved, cards.declined]) {
      const [first, again] = [await vaulted(shared), await vaulted(shared)];
      expect(first.fingerprint).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(again.fingerprint).not.toBe(first.fingerprint);
      expect(first.fingerprint).not.toBe(createHmac('sha256', secret).update(shared).digest('base64url'));
    }
  });

  it('tells the issuing country of the known test cards, and nothing for other numbers', async () => {
    const countryOf = async (cardNumber: string) =>
      (
        (await payments.vault({ cardNumber, expMonth: 12, expYear: nextYear(), cvc: '314' })).body as {
          country?: string;
        }
      ).country;
    expect(await countryOf('4000002760000016')).toBe('DE');
    expect(await countryOf('4000008260000000')).toBe('GB');
    expect(await countryOf('4000000760000002')).toBe('BR');
    expect(await countryOf(cards.approved)).toBeUndefined();
    expect(await countryOf(cards.otherMastercard)).toBeUndefined();
  });

  it("keeps a table of Stripe's country test cards: each prefix a valid card's, each country ISO alpha-2", () => {
    const numbers: Record<string, string> = {
      '4000000360000006': 'AU',
      '4000000400000008': 'AT',
      '4000000560000004': 'BE',
      '4000000760000002': 'BR',
      '4000001240000000': 'CA',
      '4000002500000003': 'FR',
      '4000002760000016': 'DE',
      '4000003800000008': 'IT',
      '4000003920000003': 'JP',
      '4000004840008001': 'MX',
      '4000005280000002': 'NL',
      '4000007240000007': 'ES',
      '4000008260000000': 'GB',
    };
    for (const [digits, country] of Object.entries(numbers)) {
      expect([digits, passesLuhn(digits), issuingCountryOf(digits)]).toEqual([digits, true, country]);
    }
    expect(Object.keys(testCardCountries).sort()).toEqual(
      Object.keys(numbers)
        .map((n) => n.slice(0, 9))
        .sort(),
    );
  });
});

describe('a payment held for review (review_required)', () => {
  it('is authorized when the stock is reserved, not captured, and announces nothing', async () => {
    const before = await scrapeReviewSteps();
    const order = await heldOrder();
    await payments.reserved(order.orderId);
    const payment = await payments.paymentIn(order.orderId, 'authorized');
    await settle();
    expect(succeededFor(order.orderId)).toEqual([]);
    expect(await chargesOf(payment.id)).toEqual(['authorized']);
    // Redelivered (under another id), the news changes nothing: still authorized, still nothing taken.
    await payments.reserved(order.orderId);
    await settle();
    expect((await payments.paymentOf(order.orderId))?.status).toBe('authorized');
    expect(await chargesOf(payment.id)).toEqual(['authorized']);
    expect((await scrapeReviewSteps()).held).toBe((before.held ?? 0) + 1);
  });

  it('is captured once the order is approved, once however often the approval comes', async () => {
    const before = await scrapeReviewSteps();
    const order = await heldOrder();
    await payments.reserved(order.orderId);
    const payment = await payments.paymentIn(order.orderId, 'authorized');
    const approval = await payments.approved(order.orderId, order.customerId);
    await payments.paymentIn(order.orderId, 'captured');
    // The same event again, and another approval event for the order.
    await payments.publish('orders', topics.orderApproved, approval.data, approval.id);
    await payments.approved(order.orderId, order.customerId);
    await settle();
    await eventually(() => expect(succeededFor(order.orderId)).toHaveLength(1));
    expect(succeededFor(order.orderId)[0]).toEqual(
      expect.objectContaining({ paymentId: payment.id, amount: order.total }),
    );
    expect(await chargesOf(payment.id)).toEqual(['captured']);
    expect(Boolean(await reviewFlagOf(order.orderId))).toBe(false);
    expect((await scrapeReviewSteps())['captured-after-approval']).toBe((before['captured-after-approval'] ?? 0) + 1);
  });

  it('approved before its stock is reserved: the flag is cleared, and the reservation captures it', async () => {
    const order = await heldOrder();
    await payments.approved(order.orderId, order.customerId);
    await settle();
    expect((await payments.paymentOf(order.orderId))?.status).toBe('pending');
    expect(Boolean(await reviewFlagOf(order.orderId))).toBe(false);
    await payments.reserved(order.orderId);
    await payments.paymentIn(order.orderId, 'captured');
    await eventually(() => expect(succeededFor(order.orderId)).toHaveLength(1));
  });

  it('rejected (orders.order-failed): the authorization is voided, nothing taken', async () => {
    const order = await heldOrder();
    await payments.reserved(order.orderId);
    const payment = await payments.paymentIn(order.orderId, 'authorized');
    await payments.orderEnded(topics.orderFailed, order.orderId, order.customerId);
    await payments.paymentIn(order.orderId, 'voided');
    // An approval arriving after the rejection finds the payment settled.
    await payments.approved(order.orderId, order.customerId);
    await settle();
    expect((await payments.paymentOf(order.orderId))?.status).toBe('voided');
    expect(await chargesOf(payment.id)).toEqual(['voided']);
    expect(succeededFor(order.orderId)).toEqual([]);
  });

  it('takes the review flag of a retried placement while the payment is pending', async () => {
    const order = await heldOrder(false);
    expect(Boolean(await reviewFlagOf(order.orderId))).toBe(false);
    expect((await payments.open({ ...order, review: true })).status).toBe(200);
    expect(Boolean(await reviewFlagOf(order.orderId))).toBe(true);
    await payments.reserved(order.orderId);
    await payments.paymentIn(order.orderId, 'authorized');
  });

  it('answers 400 naming body.review when it is not a boolean', async () => {
    const answer = await payments.open({ ...(await heldOrder()), review: 'yes' as unknown as boolean });
    expect(answer.status).toBe(400);
    expect((answer.body as { errors: Array<{ path: string }> }).errors.map((e) => e.path)).toEqual(['body.review']);
  });
});
