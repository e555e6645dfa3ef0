// What the trace tests of both topologies share: an order placed under a known traceparent, the trace it left.
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { eventually } from '@shop/testkit/src/eventually';
import { json } from '@shop/testkit/src/listen';
import type { OtlpReceiver, ReceivedSpan } from '@shop/testkit/src/otlp-receiver';
import { bearer, newCustomer, postJson } from '../../e2e/support/accounts';
import { orderReaching, payment, productWithStock, shippingAddress } from '../../e2e/support/shop';

export const repoRoot = resolve(__dirname, '../../..');
/** The services an order's trace must reach: placement, the stock reservation, the payment. */
export const sagaServices = ['orders', 'inventory', 'payments'];

/** Standard OTEL_* variables only: the endpoint turns tracing on; a short batch delay keeps the test quick. */
export function tracingEnv(receiver: OtlpReceiver): Record<string, string> {
  return { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '100' };
}

/** Whose work a span is: the kit names the service on its own spans; elsewhere the resource's service.name says. */
export function ownerOf(span: ReceivedSpan): string {
  const named = span.attributes['shop.service'];
  return typeof named === 'string' ? named : span.service;
}

/**
 * Places an order under a traceparent of our own (the trace `traceId`, as a child of a client span `callerSpanId`
 * that only the caller knows) and waits until the saga has settled it; answers the order's id and the answer's
 * traceparent header.
 */
export async function placeOrderUnder(
  traceId: string,
  callerSpanId = randomBytes(8).toString('hex'),
): Promise<{ orderId: string; traceparent: string | null }> {
  const productId = await productWithStock(5);
  const customer = await newCustomer();
  const res = await postJson(
    '/api/orders',
    { items: [{ productId, quantity: 1 }], shippingAddress, payment: payment() },
    { ...bearer(customer.accessToken), traceparent: `00-${traceId}-${callerSpanId}-01` },
  );
  expect(res.status).toBe(202);
  const placed = await json(res);
  await orderReaching(placed.id, customer.accessToken, ['Paid']);
  // The answer names the trace too (the orders service's server span), as the platform answers every request.
  return { orderId: placed.id as string, traceparent: res.headers.get('traceparent') };
}

/** Waits until the trace has spans of every one of `owners`, prints it (span names per owner) and answers it. */
export async function traceReaching(
  receiver: OtlpReceiver,
  traceId: string,
  owners: (span: ReceivedSpan) => string,
  expected: string[],
) {
  let spans = await eventually(
    () => {
      const found = receiver.spans.filter((span) => span.traceId === traceId);
      const missing = expected.filter((owner) => !found.some((span) => owners(span) === owner));
      if (missing.length > 0) throw new Error(`no span of ${missing.join(', ')} in trace ${traceId} yet`);
      return found;
    },
    30_000,
    100,
  );
  // The rest of the saga's batches are on their way: print the trace once no span has arrived for half a second.
  const traceSpans = () => receiver.spans.filter((span) => span.traceId === traceId);
  for (let seen = spans.length, quietSince = Date.now(), deadline = Date.now() + 10_000; Date.now() < deadline; ) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (traceSpans().length !== seen) [seen, quietSince] = [traceSpans().length, Date.now()];
    else if (Date.now() - quietSince >= 500) break;
  }
  spans = traceSpans();
  const byOwner = new Map<string, Set<string>>();
  for (const span of spans) {
    const names = byOwner.get(owners(span)) ?? new Set<string>();
    names.add(span.name);
    byOwner.set(owners(span), names);
  }
  const lines = [...byOwner].map(([owner, names]) => `  ${owner}: ${[...names].join(' | ')}`);
  console.log(`trace ${traceId}: ${spans.length} spans\n${lines.join('\n')}`);
  return spans;
}
