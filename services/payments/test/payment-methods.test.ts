import { json } from '@shop/testkit/src/listen';
import { cards, nextYear, type RunningPayments, startPayments } from './support/payments-platform';

let payments: RunningPayments;

beforeAll(async () => {
  payments = await startPayments();
});
afterAll(() => payments.stop());

const fieldsOf = (body: unknown) => ((body as { errors: { path: string }[] }).errors ?? []).map((error) => error.path);

describe('vaulting a card (POST /internal/payment-methods)', () => {
  it('answers a token, the brand, the last four digits and the expiry, never the number', async () => {
    const answer = await payments.vault({
      cardNumber: '4242 4242 4242 4242',
      expMonth: 12,
      expYear: nextYear(),
      cvc: '314',
    });
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({
      paymentMethodId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      brand: 'visa',
      last4: '4242',
      expMonth: 12,
      expYear: nextYear(),
      expiresAt: expect.any(String),
      fingerprint: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    const expiresInMs = Date.parse((answer.body as { expiresAt: string }).expiresAt) - Date.now();
    expect(expiresInMs).toBeGreaterThan(59 * 60_000);
    expect(expiresInMs).toBeLessThanOrEqual(60 * 60_000);
    expect(JSON.stringify(answer.body)).not.toContain(cards.approved);
  });

  it('tells the brand from the number', async () => {
    const brands = await Promise.all(
      [cards.otherMastercard, '378282246310005', '6011111111111117'].map(async (cardNumber) => {
        const answer = await payments.vault({ cardNumber, expMonth: 1, expYear: nextYear(), cvc: '1234' });
        return (answer.body as { brand: string }).brand;
      }),
    );
    expect(brands).toEqual(['mastercard', 'amex', 'discover']);
  });

  it('refuses a number that fails the Luhn check, naming body.cardNumber', async () => {
    const answer = await payments.vault({
      cardNumber: '4242424242424241',
      expMonth: 12,
      expYear: nextYear(),
      cvc: '314',
    });
    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(answer.body).toEqual(
      expect.objectContaining({
        status: 400,
        errors: [{ path: 'body.cardNumber', message: 'is not a valid card number (Luhn check failed)' }],
      }),
    );
    expect(JSON.stringify(answer.body)).not.toContain('4242424242424241');
  });

  it.each([
    ['too short', '42424242424'],
    ['too long', '42424242424242424242'],
    ['not digits', '4242-4242-abcd-4242'],
    ['empty', ''],
  ])('refuses a number that is %s, naming body.cardNumber', async (_case, cardNumber) => {
    const answer = await payments.vault({ cardNumber, expMonth: 12, expYear: nextYear(), cvc: '314' });
    expect(answer.status).toBe(400);
    expect(fieldsOf(answer.body)).toEqual(['body.cardNumber']);
    if (cardNumber) expect(JSON.stringify(answer.body)).not.toContain(cardNumber);
  });

  it('refuses an expired card, naming the field that makes it so', async () => {
    const now = new Date();
    const lastYear = await payments.vault({
      cardNumber: cards.approved,
      expMonth: 12,
      expYear: now.getUTCFullYear() - 1,
      cvc: '314',
    });
    expect(lastYear.status).toBe(400);
    expect(fieldsOf(lastYear.body)).toEqual(['body.expYear']);
    if (now.getUTCMonth() > 0) {
      const lastMonth = await payments.vault({
        cardNumber: cards.approved,
        expMonth: now.getUTCMonth(),
        expYear: now.getUTCFullYear(),
        cvc: '314',
      });
      expect(lastMonth.status).toBe(400);
      expect(fieldsOf(lastMonth.body)).toEqual(['body.expMonth']);
    }
    // A card is good through the end of its expiry month.
    const thisMonth = await payments.vault({
      cardNumber: cards.approved,
      expMonth: now.getUTCMonth() + 1,
      expYear: now.getUTCFullYear(),
      cvc: '314',
    });
    expect(thisMonth.status).toBe(201);
  });

  it('names every bad field at once: number, month, year and CVC', async () => {
    const answer = await payments.vault({ cardNumber: '1234567890123', expMonth: 13, expYear: 99, cvc: '12' });
    expect(answer.status).toBe(400);
    expect(fieldsOf(answer.body).sort()).toEqual(['body.cardNumber', 'body.cvc', 'body.expMonth', 'body.expYear']);
  });

  it.each([
    ['two digits', '12'],
    ['five digits', '12345'],
    ['letters', 'abc'],
  ])('refuses a CVC of %s, naming body.cvc', async (_case, cvc) => {
    const answer = await payments.vault({ cardNumber: cards.approved, expMonth: 12, expYear: nextYear(), cvc });
    expect(answer.status).toBe(400);
    expect(fieldsOf(answer.body)).toEqual(['body.cvc']);
  });

  it('refuses missing and mistyped fields without repeating their values', async () => {
    const answer = await payments.vault({ cardNumber: 4242424242424242, expMonth: 'soon', cvc: 314 });
    expect(answer.status).toBe(400);
    expect(fieldsOf(answer.body).sort()).toEqual(['body.cardNumber', 'body.cvc', 'body.expMonth', 'body.expYear']);
    expect(JSON.stringify(answer.body)).not.toContain('424242');
  });

  it('is not part of the public OpenAPI document', async () => {
    const document = await json(await payments.request('GET', '/openapi/payments.json'));
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/api/payments', '/api/payments/{id}', '/api/payments/{id}/refunds']),
    );
    expect(Object.keys(document.paths).some((path) => path.startsWith('/internal'))).toBe(false);
  });
});

describe('opening an order’s payment (POST /internal/payments)', () => {
  const open = (body: unknown) =>
    payments.platform.bus.meshFor('orders').invoke('payments', '/internal/payments', { method: 'POST', body });

  it('records it pending once, whatever the number of retries', async () => {
    const paymentMethodId = await payments.vaultCard(cards.approved);
    const order = {
      orderId: crypto.randomUUID(),
      customerId: crypto.randomUUID(),
      total: { amount: 4200, currency: 'EUR' },
      paymentMethodId,
    };
    const first = await open(order);
    expect(first.status).toBe(201);
    expect((await open(order)).status).toBe(200);
    const listed = await json(
      await payments.request('GET', `/api/payments?orderId=${order.orderId}`, { token: payments.tokens.admin }),
    );
    expect(listed.items).toEqual([
      expect.objectContaining({ orderId: order.orderId, status: 'pending', amount: order.total }),
    ]);
  });

  it('answers 400 naming each bad field and records nothing', async () => {
    const answer = await open({ orderId: 'not-a-uuid', total: { amount: -1, currency: 'euro' } });
    expect(answer.status).toBe(400);
    expect(fieldsOf(answer.body)).toEqual(
      expect.arrayContaining(['body.orderId', 'body.customerId', 'body.paymentMethodId']),
    );
  });
});
