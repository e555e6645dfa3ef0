import { randomUUID } from 'node:crypto';
import { json } from '@shop/testkit/src/listen';
import { rawRequest } from '@shop/testkit/src/raw-http';
import { adminToken, bearer, newCustomer, postJson } from '../../e2e/support/accounts';
import { baseUrl } from '../../e2e/support/base-url';
import { get, orderReaching, payment, productWithStock, shippingAddress, testCards } from '../../e2e/support/shop';

// The attacks of the "close the doors" report on a public origin (E2E_BASE_URL: the embedded edge, the gateway of
// `npm run start:dapr`, the gateway in its production configuration), with raw HTTP, so no client library resolves
// `..` before the platform sees it.

/** A CloudEvent as daprd would deliver it, carrying one of the platform's event envelopes. */
function cloudEvent(type: string, data: Record<string, unknown>): string {
  return JSON.stringify({
    specversion: '1.0',
    id: randomUUID(),
    source: 'attacker',
    type: 'com.dapr.event.sent',
    datacontenttype: 'application/json',
    data: { id: randomUUID(), type, occurredAt: new Date().toISOString(), data },
  });
}

async function attack(method: string, target: string, body?: string) {
  return rawRequest(baseUrl(), {
    method,
    target,
    ...(body ? { body, headers: { 'content-type': 'application/cloudevents+json' } } : {}),
  });
}

async function placeOrder(cardNumber: string) {
  const customer = await newCustomer();
  const productId = await productWithStock(5);
  const res = await postJson(
    '/api/orders',
    { items: [{ productId, quantity: 1 }], shippingAddress, payment: payment(cardNumber) },
    bearer(customer.accessToken),
  );
  expect(res.status).toBe(202);
  const order = await json(res);
  return { customer, productId, orderId: order.id as string };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 1_500));

export function describeDotSegmentAttacks(): void {
  describe('internal routes behind dot segments are out of reach of the public origin', () => {
    it('a forged payment-succeeded event does not make a declined order Paid', async () => {
      const { customer, orderId } = await placeOrder(testCards.declined);
      const failed = await orderReaching(orderId, customer.accessToken, ['Failed']);
      const forged = cloudEvent('payments.payment-succeeded', {
        paymentId: randomUUID(),
        orderId,
        amount: failed.total,
      });
      for (const target of [
        '/api/orders/../../dapr/events/payments.payment-succeeded',
        '/api/orders/%2e%2e/%2e%2e/dapr/events/payments.payment-succeeded',
        '/api/products/..%2f..%2fdapr/events/payments.payment-succeeded',
        '/hubs/inventory/../../dapr/events/payments.payment-succeeded',
      ]) {
        const answer = await attack('POST', target, forged);
        expect({ target, status: answer.status }).toEqual({ target, status: 400 });
      }
      await settle();
      expect((await orderReaching(orderId, customer.accessToken, ['Failed', 'Paid'])).status).toBe('Failed');
    });

    it('a forged order-cancelled event refunds nothing and leaves a paid order Paid', async () => {
      const { customer, orderId } = await placeOrder(testCards.approved);
      await orderReaching(orderId, customer.accessToken, ['Paid']);
      const forged = cloudEvent('orders.order-cancelled', { orderId, customerId: customer.id, status: 'Cancelled' });
      for (const target of [
        '/api/payments/%2e%2e/%2e%2e/dapr/events/orders.order-cancelled',
        '/api/payments/%2E%2E/%2E%2E/dapr/events/orders.order-cancelled',
        '/api/inventory/../../dapr/events/orders.order-cancelled',
      ]) {
        const answer = await attack('POST', target, forged);
        expect({ target, status: answer.status }).toEqual({ target, status: 400 });
      }
      await settle();
      expect((await orderReaching(orderId, customer.accessToken, ['Paid', 'Cancelled'])).status).toBe('Paid');
      const payments = await json(await get(`/api/payments?orderId=${orderId}`, await adminToken()));
      const [paid] = payments.items;
      const details = await json(await get(`/api/payments/${paid.id}`, await adminToken()));
      expect(details.refunds).toEqual([]);
    });

    it.each([
      ['GET', '/api/inventory/%2e%2e/%2e%2e/internal/stock/PRODUCT'],
      ['GET', '/hubs/../dapr/subscribe'],
      ['POST', '/api/payments/../../internal/payment-methods'],
      ['POST', '/api/orders/../../internal/payments'],
      ['POST', '/api/orders/../../internal/assessments'],
      ['POST', '/api/inventory/..;/..;/internal/reservations'],
      ['GET', '/api/products/..\\..\\internal/products/lookup'],
    ])('%s %s is refused with 400', async (method, form) => {
      const productId = await productWithStock(3);
      const body =
        method === 'POST' ? JSON.stringify({ orderId: randomUUID(), lines: [{ productId, quantity: 3 }] }) : '';
      const answer = await attack(method, form.replace('PRODUCT', productId), body || undefined);
      expect(answer.status).toBe(400);
      expect(answer.headers['content-type']).toContain('application/problem+json');
      expect((await json(await get(`/api/inventory/${productId}`))).available).toBe(3);
    });
  });
}

export function describePathFuzzer(): void {
  describe('a fuzzer over path forms never reaches an internal route', () => {
    const prefixes = ['/api/orders', '/api/payments', '/api/inventory', '/api/products', '/hubs/inventory', '/docs'];
    const cases = ['/API/orders', '/Api/Payments'];
    const dots = ['..', '%2e%2e', '%2E%2E', '.%2e', '%2e.', '..;', '..;x=1', '.', '%2e'];
    const separators = ['/', '%2f', '%2F', '\\', '%5c', '//', '/;/'];
    const targets = ['internal/stock/x', 'dapr/subscribe', 'dapr/events/orders.order-paid', 'INTERNAL/payments'];

    function* forms(): Generator<string> {
      for (const prefix of [...prefixes, ...cases]) {
        for (const dot of dots) {
          for (const separator of separators) {
            for (const target of targets) yield `${prefix}${separator}${dot}${separator}${dot}${separator}${target}`;
          }
        }
        for (const target of targets) yield `${prefix}/${target}`;
      }
    }

    it('answers every form with a problem document: 400 for a non-canonical path, else 401, 404 or 405', async () => {
      const outcomes = new Map<number, number>();
      const all = [...forms()];
      for (let i = 0; i < all.length; i += 16) {
        await Promise.all(
          all.slice(i, i + 16).flatMap((target) =>
            ['GET', 'POST'].map(async (method) => {
              const answer = await attack(method, target, method === 'POST' ? '{}' : undefined);
              outcomes.set(answer.status, (outcomes.get(answer.status) ?? 0) + 1);
              const canonical = !/(^|\/)\.|%2e|%2f|%5c|\\|\/\//i.test(target);
              const allowed = canonical ? [401, 404, 405] : [400];
              expect({ method, target, status: answer.status, ok: allowed.includes(answer.status) }).toEqual({
                method,
                target,
                status: answer.status,
                ok: true,
              });
              expect(answer.headers['content-type']).toContain('application/problem+json');
            }),
          ),
        );
      }
      expect(outcomes.get(400) ?? 0).toBeGreaterThan(all.length);
    });
  });
}

export function describeOversizedBodies(): void {
  describe('oversized bodies', () => {
    // fetch, as a client would: an answer that comes before the body was sent whole must reach it.
    it('are answered 413 by the public origin every time, declared or chunked', async () => {
      const customer = await newCustomer();
      const big = Buffer.alloc(5 * 1024 * 1024, ' ');
      big.write('{"items":[');
      const headers = { 'content-type': 'application/json', ...bearer(customer.accessToken) };
      for (let i = 0; i < 5; i++) {
        const declared = await fetch(`${baseUrl()}/api/orders`, { method: 'POST', headers, body: big });
        expect(declared.status).toBe(413);
        expect(declared.headers.get('content-type')).toContain('application/problem+json');
        await declared.text();
        const chunks = new ReadableStream({
          start(controller) {
            for (let at = 0; at < big.length; at += 256 * 1024) controller.enqueue(big.subarray(at, at + 256 * 1024));
            controller.close();
          },
        });
        const chunked = await fetch(`${baseUrl()}/api/orders`, {
          method: 'POST',
          headers,
          body: chunks,
          duplex: 'half',
        } as RequestInit);
        expect(chunked.status).toBe(413);
        await chunked.text();
      }
    });
  });
}
