import { brandOf, cardProblems, passesLuhn, summarizeCard } from '../src/domain/card';
import { canMove, type Payment, paymentTransitions, refundableAmount } from '../src/domain/payment';
import { refundIdFor } from '../src/domain/refund';

const now = new Date('2030-06-15T12:00:00Z');
const card = { cardNumber: '4242424242424242', expMonth: 6, expYear: 2030, cvc: '123' };

describe('cards', () => {
  it.each([
    '4242424242424242',
    '4000000000000002',
    '4000000000009995',
    '5555555555554444',
    '378282246310005',
    '79927398713',
  ])('%s passes the Luhn check', (digits) => expect(passesLuhn(digits)).toBe(true));

  it.each(['4242424242424241', '79927398710', '1234567890123456'])('%s fails it', (digits) =>
    expect(passesLuhn(digits)).toBe(false),
  );

  it('tells brands apart by their number ranges', () => {
    expect(
      [
        '4111111111111111',
        '2223003122003222',
        '5105105105105100',
        '371449635398431',
        '6011000990139424',
        '3566002020360505',
        '6200000000000005',
        '9999999999999995',
      ].map(brandOf),
    ).toEqual(['visa', 'mastercard', 'mastercard', 'amex', 'discover', 'jcb', 'unionpay', 'unknown']);
  });

  it('accepts a card through the last day of its expiry month', () => {
    expect(cardProblems(card, now)).toEqual([]);
    expect(cardProblems(card, new Date('2030-06-30T23:59:59.999Z'))).toEqual([]);
    expect(cardProblems(card, new Date('2030-07-01T00:00:00Z'))).toEqual([
      { field: 'expMonth', message: 'the card has expired' },
    ]);
    expect(cardProblems({ ...card, expYear: 2029, expMonth: 12 }, now)).toEqual([
      { field: 'expYear', message: 'the card has expired' },
    ]);
  });

  it('keeps the brand, the last four digits and the expiry, and nothing else of the number', () => {
    expect(summarizeCard({ ...card, cardNumber: '4242-4242 4242-4242' })).toEqual({
      brand: 'visa',
      last4: '4242',
      expMonth: 6,
      expYear: 2030,
    });
  });
});

describe('payments', () => {
  const payment = (status: Payment['status'], refunded = 0) =>
    ({ status, amount: { amount: 1000, currency: 'EUR' }, refundedAmount: refunded }) as Payment;

  it('refund only what was captured and not given back yet', () => {
    expect(refundableAmount(payment('captured'))).toEqual({ amount: 1000, currency: 'EUR' });
    expect(refundableAmount(payment('partially_refunded', 300))).toEqual({ amount: 700, currency: 'EUR' });
    expect(refundableAmount(payment('refunded', 1000)).amount).toBe(0);
    expect(refundableAmount(payment('pending')).amount).toBe(0);
    expect(refundableAmount(payment('voided')).amount).toBe(0);
  });

  it('never leave a final status, and never reach captured without an authorization', () => {
    for (const status of ['refunded', 'voided', 'failed'] as const) expect(paymentTransitions[status]).toEqual([]);
    expect(canMove('pending', 'captured')).toBe(false);
    expect(canMove('captured', 'voided')).toBe(false);
    expect(canMove('pending', 'authorized')).toBe(true);
  });

  it('name a refund by what it is, so that its retry is the same refund', () => {
    const id = refundIdFor('payments.refunds:admin:payment:key-1');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(refundIdFor('payments.refunds:admin:payment:key-1')).toBe(id);
    expect(refundIdFor('payments.refunds:admin:payment:key-2')).not.toBe(id);
  });
});
