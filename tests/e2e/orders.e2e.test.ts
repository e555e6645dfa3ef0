import { randomUUID } from 'node:crypto';
import { json } from '@shop/testkit/src/listen';
import { adminToken, bearer, newCustomer, postJson } from './support/accounts';
import { eventually } from './support/eventually';
import { get, levelsOf, orderReaching, payment, productWithStock, shippingAddress, testCards } from './support/shop';

async function placeOrder(
  token: string,
  productId: string,
  quantity: number,
  cardNumber?: string,
  headers: Record<string, string> = {},
) {
  return postJson(
    '/api/orders',
    { items: [{ productId, quantity }], shippingAddress, payment: payment(cardNumber) },
    { ...bearer(token), ...headers },
  );
}

describe('orders and payments (CONTRACT.md)', () => {
  it('an approved card: 202 Pending, then Paid at the catalog price; stock taken', async () => {
    const productId = await productWithStock(10, 1999);
    const customer = await newCustomer();
    const res = await placeOrder(customer.accessToken, productId, 3);
    expect(res.status).toBe(202);
    const placed = await json(res);
    expect(placed).toEqual(expect.objectContaining({ id: expect.any(String), status: 'Pending' }));
    const paid = await orderReaching(placed.id, customer.accessToken, ['Paid', 'Failed']);
    expect(paid).toEqual(
      expect.objectContaining({
        id: placed.id,
        customerId: customer.id,
        status: 'Paid',
        items: [{ productId, quantity: 3, unitPrice: { amount: 1999, currency: 'EUR' } }],
        total: { amount: 5997, currency: 'EUR' },
      }),
    );
    expect(JSON.stringify(paid)).not.toContain(testCards.approved);
    await eventually(async () =>
      expect(await levelsOf(productId)).toEqual({ productId, onHand: 7, reserved: 0, available: 7 }),
    );
  });

  it('out of stock: Failed with OutOfStock, holding no stock', async () => {
    const productId = await productWithStock(2);
    const customer = await newCustomer();
    const placed = await json(await placeOrder(customer.accessToken, productId, 5));
    const failed = await orderReaching(placed.id, customer.accessToken, ['Failed', 'Paid']);
    expect(failed).toEqual(expect.objectContaining({ status: 'Failed', failureReason: 'OutOfStock' }));
    expect(await levelsOf(productId)).toEqual({ productId, onHand: 2, reserved: 0, available: 2 });
  });

  it.each([testCards.declined, testCards.insufficientFunds])(
    'declined card %s: Failed with PaymentDeclined, stock released',
    async (cardNumber) => {
      const productId = await productWithStock(4);
      const customer = await newCustomer();
      const placed = await json(await placeOrder(customer.accessToken, productId, 1, cardNumber));
      const failed = await orderReaching(placed.id, customer.accessToken, ['Failed', 'Paid']);
      expect(failed).toEqual(expect.objectContaining({ status: 'Failed', failureReason: 'PaymentDeclined' }));
      await eventually(async () => expect((await levelsOf(productId)).available).toBe(4));
    },
  );

  it('a card failing the Luhn check is 400 naming the field', async () => {
    const productId = await productWithStock(1);
    const customer = await newCustomer();
    const res = await placeOrder(customer.accessToken, productId, 1, '4242424242424241');
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(JSON.parse(text).errors.map((error: { path: string }) => error.path)).toContain('body.payment.cardNumber');
    expect(text).not.toContain('4242424242424241');
  });

  it('cancel before shipping releases stock and refunds', async () => {
    const productId = await productWithStock(5);
    const customer = await newCustomer();
    const placed = await json(await placeOrder(customer.accessToken, productId, 2));
    await orderReaching(placed.id, customer.accessToken, ['Paid']);
    const cancel = await postJson(`/api/orders/${placed.id}/cancel`, {}, bearer(customer.accessToken));
    expect(cancel.status).toBe(200);
    expect((await json(cancel)).status).toBe('Cancelled');
    await eventually(async () =>
      expect(await levelsOf(productId)).toEqual({ productId, onHand: 5, reserved: 0, available: 5 }),
    );
    await eventually(async () => {
      const payments = await json(await get(`/api/payments?orderId=${placed.id}`, customer.accessToken));
      expect(payments.items).toEqual([expect.objectContaining({ orderId: placed.id, status: 'refunded' })]);
    });
  });

  it('ship and deliver (admin); cancel after shipping is 409', async () => {
    const productId = await productWithStock(3);
    const customer = await newCustomer();
    const admin = await adminToken();
    const placed = await json(await placeOrder(customer.accessToken, productId, 1));
    await orderReaching(placed.id, customer.accessToken, ['Paid']);
    expect((await postJson(`/api/orders/${placed.id}/ship`, {}, bearer(customer.accessToken))).status).toBe(403);
    const shipped = await postJson(`/api/orders/${placed.id}/ship`, { trackingNumber: 'TRK-42' }, bearer(admin));
    expect(shipped.status).toBe(200);
    expect((await json(shipped)).status).toBe('Shipped');
    expect((await postJson(`/api/orders/${placed.id}/cancel`, {}, bearer(customer.accessToken))).status).toBe(409);
    const delivered = await postJson(`/api/orders/${placed.id}/deliver`, {}, bearer(admin));
    expect((await json(delivered)).status).toBe('Delivered');
  });

  it('the same Idempotency-Key replays the first answer; another body is 409', async () => {
    const productId = await productWithStock(5);
    const customer = await newCustomer();
    const key = { 'Idempotency-Key': `e2e-${randomUUID()}` };
    const first = await placeOrder(customer.accessToken, productId, 1, undefined, key);
    const again = await placeOrder(customer.accessToken, productId, 1, undefined, key);
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect((await json(again)).id).toBe((await json(first)).id);
    expect((await placeOrder(customer.accessToken, productId, 2, undefined, key)).status).toBe(409);
    const list = await json(await get('/api/orders', customer.accessToken));
    expect(list.items).toHaveLength(1);
  });

  it('two concurrent placements under one Idempotency-Key make one order and one payment', async () => {
    const productId = await productWithStock(10);
    const customer = await newCustomer();
    const key = { 'idempotency-key': `twins-${randomUUID()}` };
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => placeOrder(customer.accessToken, productId, 2, undefined, key)),
    );
    for (const answer of answers) expect([202, 409]).toContain(answer.status);
    const accepted = await Promise.all(answers.filter((answer) => answer.status === 202).map((answer) => json(answer)));
    expect(new Set(accepted.map((order) => order.id)).size).toBe(1);
    const orders = await json(await get('/api/orders', customer.accessToken));
    expect(orders.items).toHaveLength(1);
    const [order] = orders.items;
    await orderReaching(order.id, customer.accessToken, ['Paid']);
    // Every payment of this customer, not only the order's: an attempt that opened a payment under another order id
    // would show here.
    const payments = await json(await get('/api/payments', customer.accessToken));
    expect(payments.items.map((entry: { orderId: string }) => entry.orderId)).toEqual([order.id]);
    expect((await levelsOf(productId)).available).toBe(8);
  });

  it('other customers see 404 for an order that is not theirs; admins see every order', async () => {
    const productId = await productWithStock(2);
    const owner = await newCustomer();
    const other = await newCustomer();
    const placed = await json(await placeOrder(owner.accessToken, productId, 1));
    expect((await get(`/api/orders/${placed.id}`, other.accessToken)).status).toBe(404);
    expect((await postJson(`/api/orders/${placed.id}/cancel`, {}, bearer(other.accessToken))).status).toBe(404);
    expect((await get(`/api/orders/${placed.id}`, await adminToken())).status).toBe(200);
    const list = await json(await get('/api/orders', other.accessToken));
    expect(list).toEqual({ items: [], nextCursor: null });
  });
});
