import { randomUUID } from 'node:crypto';
import { type Assessment, type PaymentFailed, type Topic, topics } from '@shop/contracts';
import { type DaprTopology, startDaprTopology } from '@shop/testkit/src/dapr-topology';
import type { RunningDaprd } from '@shop/testkit/src/daprd';
import { eventually } from '@shop/testkit/src/eventually';
import { audience, type FixtureIdentity, issuer, newSigningKey, serveJwks } from '@shop/testkit/src/jwt-fixture';
import { fraudService } from '../src/service';
import { assessmentRequestFor } from './support/orders';

// The Kubernetes shape on one machine: the fraud service as its own process beside its own daprd (mTLS, access
// control and pub/sub scopes from the mesh policy), called by orders' sidecar and fed by payments' and identity's.

const key = newSigningKey('fraud-dapr-key');
let jwks: FixtureIdentity;
let topology: DaprTopology;
const sidecars: Record<string, RunningDaprd> = {};

beforeAll(async () => {
  jwks = await serveJwks([key]);
  topology = await startDaprTopology({
    services: [fraudService],
    jwksUrl: `${jwks.url}/jwks`,
    env: { JWT_ISSUER: issuer, JWT_AUDIENCE: audience, LOG_LEVEL: 'warn' },
  });
  for (const app of ['orders', 'cart', 'payments', 'identity']) sidecars[app] = await topology.startSidecarFor(app);
  await topology
    .member('fraud')
    .sidecar.waitForSubscriptions([topics.customerRegistered, topics.orderPaid, topics.paymentFailed], 60_000);
}, 240_000);

afterAll(async () => {
  await topology?.stop();
  await jwks?.close();
}, 60_000);

const sidecar = (app: string): RunningDaprd => {
  const found = sidecars[app];
  if (!found) throw new Error(`no sidecar for ${app}`);
  return found;
};

/** Service invocation of the assessment, as `caller` makes it through its own sidecar. */
async function assessAs(caller: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const from = sidecar(caller);
  const res = await fetch(`http://127.0.0.1:${from.httpPort}/v1.0/invoke/fraud/method/internal/assessments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'dapr-api-token': from.daprApiToken },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function publishAs<T>(publisher: string, topic: Topic, data: T): Promise<void> {
  const from = sidecar(publisher);
  const res = await fetch(`http://127.0.0.1:${from.httpPort}/v1.0/publish/pubsub/${topic}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'dapr-api-token': from.daprApiToken },
    body: JSON.stringify({ id: randomUUID(), type: topic, occurredAt: new Date().toISOString(), data }),
  });
  expect(res.status).toBe(204);
}

describe('the fraud service beside its daprd', () => {
  it("answers orders' invocation: 201 for a new order, 200 with the same assessment for its retry", async () => {
    const order = assessmentRequestFor();
    const first = await assessAs('orders', order);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ orderId: order.orderId, score: 5, reasons: ['new-account'] });
    expect(await assessAs('orders', order)).toEqual({ status: 200, body: first.body });
  });

  it('refuses the invocation from an app the mesh policy does not name', async () => {
    const answer = await assessAs('cart', assessmentRequestFor());
    expect(answer.status).toBe(403);
  });

  it("learns a decline from payments' event and an account's age from identity's", async () => {
    const customerId = randomUUID();
    const card = { fingerprint: `card-${randomUUID().slice(0, 12)}`, country: 'DE' };
    const declined = assessmentRequestFor({ customerId, card });
    expect((await assessAs('orders', declined)).status).toBe(201);
    await publishAs<PaymentFailed>('payments', topics.paymentFailed, {
      orderId: declined.orderId,
      paymentId: randomUUID(),
      reason: 'card-declined',
      failedAt: new Date().toISOString(),
    });
    await publishAs('identity', topics.customerRegistered, {
      customerId,
      email: 'fresh@example.com',
      name: 'Fresh',
      registeredAt: new Date(Date.now() - 5 * 60_000).toISOString(),
    });
    await eventually(async () => {
      const next = await assessAs('orders', assessmentRequestFor({ customerId, card }));
      const reasons = (next.body as Assessment).reasons;
      expect(reasons).toEqual(expect.arrayContaining(['recent-declines', 'card-declines', 'new-account']));
      // Declines of the customer (20) and the card (25), an account minutes old (25): held (each retry of this
      // check is one more order of the customer and card, which only adds).
      expect((next.body as Assessment).score).toBeGreaterThanOrEqual(70);
    }, 30_000);
  });
});
