// The storefront's browser-side rules that need no browser: view addresses, the words for refusals, money.
import { apiErrorOf } from '../storefront/api';
import { failureText, formatMoney, stockText } from '../storefront/format';
import { href, parseRoute } from '../storefront/route';

const problem = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/problem+json' } });

describe("the storefront's view addresses", () => {
  it('reads back every address it writes', () => {
    const id = '0f0a06c8-45ca-555a-883d-95545466fee0';
    expect(parseRoute(href.home())).toEqual({ view: 'catalog' });
    expect(parseRoute(href.category(id))).toEqual({ view: 'catalog', categoryId: id });
    expect(parseRoute(href.search('tea & cups/pots'))).toEqual({ view: 'catalog', q: 'tea & cups/pots' });
    expect(parseRoute(href.product(id))).toEqual({ view: 'product', productId: id });
    expect(parseRoute(href.order(id))).toEqual({ view: 'order', orderId: id });
    expect(parseRoute(href.orders())).toEqual({ view: 'orders' });
    expect(parseRoute(href.signIn('checkout'))).toEqual({ view: 'sign-in', next: 'checkout' });
    expect(parseRoute(href.register())).toEqual({ view: 'register' });
  });

  it('shows the catalog for an address it does not know', () => {
    expect(parseRoute('#/no/such/view')).toEqual({ view: 'catalog' });
    expect(parseRoute('')).toEqual({ view: 'catalog' });
  });
});

describe('the words for a refusal', () => {
  it("says the problem's detail, and names each field it lists", async () => {
    const error = await apiErrorOf(
      problem(400, {
        title: 'Bad Request',
        errors: [{ path: 'body.payment.cardNumber', message: '"cardNumber" fails the Luhn check' }],
      }),
    );
    expect(error.message).toBe('Please correct the marked fields.');
    expect(error.fieldErrors).toEqual([
      { path: 'body.payment.cardNumber', message: '"cardNumber" fails the Luhn check' },
    ]);
    expect((await apiErrorOf(problem(409, { title: 'Conflict', detail: 'Only 3 available.' }))).message).toBe(
      'Only 3 available.',
    );
  });

  it('falls back to the title, then to a sentence for the status', async () => {
    expect((await apiErrorOf(problem(409, { title: 'Cart is empty' }))).message).toBe('Cart is empty');
    expect((await apiErrorOf(new Response('upstream down', { status: 503 }))).message).toBe(
      'The shop is busy. Please try again in a moment.',
    );
    expect((await apiErrorOf(new Response('', { status: 418 }))).message).toBe(
      'The shop could not do that (error 418).',
    );
  });
});

describe('money, stock and failures in words', () => {
  it('formats minor units in the currency’s own digits', () => {
    expect(formatMoney({ amount: 1999, currency: 'EUR' })).toMatch(/19[.,]99/);
    expect(formatMoney({ amount: 1999, currency: 'JPY' })).toMatch(/1[,.]?999/);
    expect(formatMoney({ amount: 1999, currency: 'JPY' })).not.toMatch(/19[.,]99/);
  });

  it('says how much is left, and why an order failed', () => {
    expect([stockText(0), stockText(3), stockText(12)]).toEqual(['Sold out', 'Only 3 left', 'In stock: 12']);
    expect(failureText('PaymentDeclined')).toMatch(/^Your card was declined\./);
    expect(failureText(undefined)).toBe('The order could not be completed.');
  });
});
