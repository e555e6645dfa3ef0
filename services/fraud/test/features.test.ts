import { amountBucket, amountZ, momentsOf, shopPercentile, signalsOf } from '../src/domain/features';
import { assessmentRequestFor } from './support/orders';

const momentsOfAll = (amounts: number[]) =>
  amounts.map(momentsOf).reduce((sum, next) => ({
    count: sum.count + next.count,
    logMicrosSum: sum.logMicrosSum + next.logMicrosSum,
    logSquareMicrosSum: sum.logSquareMicrosSum + next.logSquareMicrosSum,
  }));

describe("the order's signals", () => {
  it('judges an amount against the customer only with enough paid orders', () => {
    const usual = momentsOfAll([2_000, 2_500, 3_000]);
    expect(amountZ(50_000, momentsOfAll([2_000, 2_500]), 3)).toBeNull();
    expect(amountZ(2_500, usual, 3)).toBeCloseTo(0, 0);
    expect(amountZ(50_000, usual, 3)).toBeGreaterThan(3);
    // A customer who always pays the same is not judged by a spread of zero.
    expect(amountZ(6_000, momentsOfAll([3_000, 3_000, 3_000]), 3)).toBeCloseTo(Math.log(2) / 0.35, 5);
  });

  it("places an amount among the shop's orders of its currency, once there are enough", () => {
    const buckets = [
      { bucket: amountBucket(1_000), count: 90 },
      { bucket: amountBucket(100_000), count: 10 },
    ];
    expect(shopPercentile(1_000, buckets, 50)).toBeCloseTo(0.45);
    expect(shopPercentile(100_000, buckets, 50)).toBeCloseTo(0.95);
    expect(shopPercentile(900_000, buckets, 50)).toBe(1);
    expect(shopPercentile(900_000, buckets, 101)).toBeNull();
  });

  it("derives units, account age and the countries' match from the order and its history", () => {
    const placedAt = '2026-03-10T12:00:00.000Z';
    const order = assessmentRequestFor({
      placedAt,
      items: [
        { productId: '5b0f6a7e-4d0a-4a0a-9f39-55d8f4b6f2a1', quantity: 3, unitPrice: { amount: 100, currency: 'EUR' } },
        { productId: '6b0f6a7e-4d0a-4a0a-9f39-55d8f4b6f2a1', quantity: 4, unitPrice: { amount: 100, currency: 'EUR' } },
      ],
      shippingCountry: 'FR',
      card: { fingerprint: 'card-fingerprint-1', country: 'US' },
    });
    const history = {
      customerOrdersInWindow: 2,
      cardOrdersInWindow: 1,
      customerDeclinesInWindow: 0,
      cardDeclinesInWindow: 1,
      registeredAt: new Date('2026-03-10T11:30:00.000Z'),
      paidAmounts: null,
      shopAmounts: [],
    };
    expect(signalsOf(order, history)).toMatchObject({
      units: 7,
      accountAgeMinutes: 30,
      countryMismatch: true,
      customerOrdersInWindow: 2,
      cardDeclinesInWindow: 1,
      amountZForCustomer: null,
      shopAmountPercentile: null,
    });
    const unknownCountry = signalsOf({ ...order, card: { fingerprint: 'card-fingerprint-1' } }, history);
    expect(unknownCountry.countryMismatch).toBeNull();
    expect(signalsOf(order, { ...history, registeredAt: null }).accountAgeMinutes).toBeNull();
  });
});
