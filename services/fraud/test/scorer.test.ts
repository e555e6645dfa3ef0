import { defaultReviewThresholds, type ReviewThresholds, type RiskReason, reviewThresholdsFrom } from '@shop/contracts';
import { assertConfiguration, loadConfig } from '@shop/kit';
import { signalsOf } from '../src/domain/features';
import { scoreOrder } from '../src/domain/scorer';
import type { OrderSignals } from '../src/domain/signals';
import { fraudConfigSchema } from '../src/fraud-config';
import { assessmentRequestFor, quietSignals } from './support/orders';

const thresholds = defaultReviewThresholds;
const eur = (amount: number) => ({ amount, currency: 'EUR' });

/** Every soft signal at its worst: the most points each can give. */
const everythingAgainst: Partial<OrderSignals> = {
  units: 500,
  cardOrdersInWindow: 50,
  cardDeclinesInWindow: 20,
  accountAgeMinutes: 0,
  amountZForCustomer: 10,
  shopAmountPercentile: 1,
  countryMismatch: true,
};

describe("the contract's rules", () => {
  it('holds a total above FRAUD_REVIEW_TOTAL, whatever else is said of the order', () => {
    const scored = scoreOrder(quietSignals({ total: eur(500_001) }), thresholds);
    expect(scored.score).toBeGreaterThanOrEqual(70);
    expect(scored.held).toBe(true);
    expect(scored.reasons[0]).toBe('total-above-review-limit');
  });

  it('does not hold a total of exactly FRAUD_REVIEW_TOTAL for the total alone', () => {
    const scored = scoreOrder(quietSignals({ total: eur(500_000) }), thresholds);
    expect(scored.held).toBe(false);
    expect(scored.reasons).not.toContain('total-above-review-limit');
  });

  it("holds a customer's sixth order within ten minutes and not the fifth", () => {
    const order = assessmentRequestFor();
    const history = (customerOrdersInWindow: number) => ({
      customerOrdersInWindow,
      cardOrdersInWindow: 0,
      customerDeclinesInWindow: 0,
      cardDeclinesInWindow: 0,
      registeredAt: new Date(Date.parse(order.placedAt) - 365 * 86_400_000),
      paidAmounts: null,
      shopAmounts: [],
    });
    const sixth = scoreOrder(signalsOf(order, history(5)), thresholds);
    expect(sixth.held).toBe(true);
    expect(sixth.reasons[0]).toBe('customer-velocity');
    const fifth = scoreOrder(signalsOf(order, history(4)), thresholds);
    expect(fifth.held).toBe(false);
  });

  it.each([
    ['no prior order', 0],
    ['four prior orders (this is the fifth)', 4],
  ])(
    'never holds an order of at most 100000 by a customer with %s and no recent decline, even with every soft signal against it',
    (_, customerOrdersInWindow) => {
      const scored = scoreOrder(
        quietSignals({ ...everythingAgainst, total: eur(100_000), customerOrdersInWindow }),
        thresholds,
      );
      expect(scored.score).toBe(69);
      expect(scored.held).toBe(false);
      // The reasons still say what spoke against it.
      expect(scored.reasons).toEqual(expect.arrayContaining(['card-declines', 'country-mismatch', 'new-account']));
    },
  );

  it('lets the soft signals hold a small order once the customer had a decline in the window', () => {
    const scored = scoreOrder(
      quietSignals({ ...everythingAgainst, total: eur(100_000), customerDeclinesInWindow: 1 }),
      thresholds,
    );
    expect(scored.score).toBe(100);
    expect(scored.held).toBe(true);
  });
});

describe('configurable thresholds', () => {
  const configured = (env: Record<string, string>): ReviewThresholds =>
    reviewThresholdsFrom(loadConfig(fraudConfigSchema, env));

  it('reads the contract defaults when nothing is set', () => {
    expect(configured({})).toEqual(defaultReviewThresholds);
  });

  it('holds at a lower FRAUD_REVIEW_SCORE what the default lets through', () => {
    const signals = quietSignals({ total: eur(200_000), countryMismatch: true, accountAgeMinutes: 10 });
    expect(scoreOrder(signals, thresholds)).toMatchObject({ score: 50, held: false });
    expect(scoreOrder(signals, configured({ FRAUD_REVIEW_SCORE: '50' }))).toMatchObject({ score: 50, held: true });
  });

  it('holds a total above a lower FRAUD_REVIEW_TOTAL', () => {
    const lower = configured({ FRAUD_REVIEW_TOTAL: '1000' });
    expect(scoreOrder(quietSignals({ total: eur(1_001) }), lower).held).toBe(true);
    expect(scoreOrder(quietSignals({ total: eur(1_000) }), lower).held).toBe(false);
  });

  it('holds the third order within the window at FRAUD_VELOCITY_LIMIT=2', () => {
    const lower = configured({ FRAUD_VELOCITY_LIMIT: '2' });
    expect(scoreOrder(quietSignals({ customerOrdersInWindow: 2 }), lower).held).toBe(true);
    expect(scoreOrder(quietSignals({ customerOrdersInWindow: 1 }), lower).held).toBe(false);
  });

  it('holds nothing at FRAUD_REVIEW_SCORE=101, though the rules still lift the score', () => {
    const never = configured({ FRAUD_REVIEW_SCORE: '101' });
    const scored = scoreOrder(quietSignals({ ...everythingAgainst, total: eur(900_000) }), never);
    expect(scored.score).toBe(100);
    expect(scored.held).toBe(false);
  });

  it.each([
    ['FRAUD_REVIEW_SCORE', '102'],
    ['FRAUD_REVIEW_SCORE', 'high'],
    ['FRAUD_REVIEW_TOTAL', '-1'],
    ['FRAUD_VELOCITY_LIMIT', '0'],
  ])('refuses %s=%s at start, naming it', (key, value) => {
    expect(() => assertConfiguration([fraudConfigSchema], { [key]: value })).toThrow(key);
  });
});

describe('each soft signal raises the score with its reason', () => {
  const cases: Array<[RiskReason, Partial<OrderSignals>]> = [
    ['customer-velocity', { customerOrdersInWindow: 3 }],
    ['card-velocity', { cardOrdersInWindow: 3 }],
    ['amount-unusual-for-customer', { amountZForCustomer: 2.5 }],
    ['amount-unusual-for-shop', { shopAmountPercentile: 0.995 }],
    ['new-account', { accountAgeMinutes: 5 }],
    ['new-account', { accountAgeMinutes: null }],
    ['recent-declines', { customerDeclinesInWindow: 1 }],
    ['card-declines', { cardDeclinesInWindow: 1 }],
    ['country-mismatch', { countryMismatch: true }],
    ['many-units', { units: 12 }],
  ];
  const baseline = scoreOrder(quietSignals(), thresholds);

  it('scores an order nothing speaks against 0 with no reason', () => {
    expect(baseline).toMatchObject({ score: 0, reasons: [], held: false });
  });

  it.each(cases)('%s (%j)', (reason, change) => {
    const scored = scoreOrder(quietSignals(change), thresholds);
    expect(scored.score).toBeGreaterThan(baseline.score);
    expect(scored.reasons).toEqual([reason]);
    // One soft signal alone never holds an order.
    expect(scored.held).toBe(false);
  });

  it('scores a stronger signal higher than a weaker one of the same kind', () => {
    const score = (change: Partial<OrderSignals>) => scoreOrder(quietSignals(change), thresholds).score;
    expect(score({ cardDeclinesInWindow: 3 })).toBeGreaterThan(score({ cardDeclinesInWindow: 1 }));
    expect(score({ accountAgeMinutes: 5 })).toBeGreaterThan(score({ accountAgeMinutes: 3 * 24 * 60 }));
    expect(score({ accountAgeMinutes: 3 * 24 * 60 })).toBeGreaterThan(score({ accountAgeMinutes: 30 * 24 * 60 }));
    expect(score({ units: 40 })).toBeGreaterThan(score({ units: 12 }));
  });

  it('adds signals up, lists them most points first, and caps the sum at 100', () => {
    const scored = scoreOrder(quietSignals({ ...everythingAgainst, total: eur(300_000) }), thresholds);
    expect(scored.score).toBe(100);
    expect(scored.reasons[0]).toBe('card-declines');
    const points = scored.signals.map((signal) => signal.points);
    expect(points).toEqual([...points].sort((a, b) => b - a));
  });
});
