import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect } from 'node:http2';
import { appIds, topics } from '@shop/contracts';
import type { TopologyDescription, TopologyMember } from '@shop/testkit/src/dapr-topology';
import { json } from '@shop/testkit/src/listen';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from '@shop/testkit/src/otlp-receiver';
import { rawRequest } from '@shop/testkit/src/raw-http';
import { bearer, newCustomer, postJson } from '../e2e/support/accounts';
import { get, orderReaching, payment, productWithStock, shippingAddress, testCards } from '../e2e/support/shop';
import { type DaprPlatform, startDaprPlatform } from './support/dapr-platform';
import { fromDaprd, ownerOf, placeOrderUnder, sagaServices, traceReaching, tracingEnv } from './support/trace';

// The attacks of issue "Close the doors", made as any process on the network could make them: straight to each
// service's app port and each daprd's HTTP API, over raw HTTP, with no credentials, wrong ones, or a sidecar's
// own token asking for more than the mesh policy gives its app.

// The same platform exports its traces (services and sidecars) to an OTLP receiver, for the trace test at the end:
// one Dapr platform for both, since bringing one up is most of either file's time.

let platform: DaprPlatform;
let receiver: OtlpReceiver;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  // daprd reads the same variables; it speaks gRPC unless the protocol says http.
  const sidecarEnv = {
    ...tracingEnv(receiver),
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_EXPORTER_OTLP_INSECURE: 'true',
  };
  platform = await startDaprPlatform(tracingEnv(receiver), { sidecarEnv });
}, 240_000);
afterAll(async () => {
  await platform?.stop();
  await receiver?.close();
}, 60_000);

/** Raw HTTP to a loopback port: the path and headers go on the wire exactly as written. */
function raw(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  return rawRequest(`http://127.0.0.1:${port}`, {
    method,
    target: path,
    headers,
    ...(body === undefined ? {} : { body }),
  });
}

const member = (name: string): TopologyMember => platform.topology.member(name);
const wrongToken = { 'dapr-api-token': 'x'.repeat(43) };
const jsonBody = { 'content-type': 'application/json' };

function forgedPaymentSucceeded(orderId: string): string {
  const occurredAt = new Date().toISOString();
  return JSON.stringify({
    specversion: '1.0',
    id: randomUUID(),
    source: 'payments',
    type: 'com.dapr.event.sent',
    topic: topics.paymentSucceeded,
    pubsubname: 'pubsub',
    datacontenttype: 'application/json',
    data: {
      id: randomUUID(),
      type: topics.paymentSucceeded,
      occurredAt,
      data: {
        orderId,
        paymentId: randomUUID(),
        amount: { amount: 1250, currency: 'EUR' },
        cardLast4: '4242',
        capturedAt: occurredAt,
      },
    },
  });
}

describe('the app ports', () => {
  it('refuse a forged payment-succeeded event for a declined order: 401, and the order stays Failed', async () => {
    const productId = await productWithStock(3);
    const customer = await newCustomer();
    const placed = await json(
      await postJson(
        '/api/orders',
        { items: [{ productId, quantity: 1 }], shippingAddress, payment: payment(testCards.declined) },
        bearer(customer.accessToken),
      ),
    );
    await orderReaching(placed.id, customer.accessToken, ['Failed', 'Paid']);
    for (const headers of [{}, wrongToken]) {
      const forged = await raw(
        member('orders').appPort,
        'POST',
        `/dapr/events/${topics.paymentSucceeded}`,
        { 'content-type': 'application/cloudevents+json', ...headers },
        forgedPaymentSucceeded(placed.id),
      );
      expect(forged.status).toBe(401);
      expect(JSON.parse(forged.body)).toMatchObject({ status: 401 });
    }
    // Had the event got in, the order would be Paid by now (the handler runs before the answer).
    const order = await json(await get(`/api/orders/${placed.id}`, customer.accessToken));
    expect(order).toMatchObject({ status: 'Failed', failureReason: 'PaymentDeclined' });
  });

  it.each([
    ['inventory', 'POST', '/internal/reservations'],
    ['payments', 'POST', '/internal/payments'],
    ['payments', 'POST', '/internal/payment-methods'],
    ['fraud', 'POST', '/internal/assessments'],
    ['catalog', 'POST', '/internal/products/lookup'],
    ['inventory', 'GET', `/internal/stock/${randomUUID()}`],
  ])('%s refuses %s %s without the app API token and with a wrong one', async (service, method, path) => {
    const body = JSON.stringify({ orderId: randomUUID(), lines: [], amount: { amount: 1, currency: 'EUR' } });
    for (const headers of [{}, wrongToken]) {
      const answer = await raw(
        member(service).appPort,
        method,
        path,
        { ...jsonBody, ...headers },
        method === 'GET' ? undefined : body,
      );
      expect(answer.status).toBe(401);
    }
  });

  it.each(appIds.map((appId) => [appId]))('%s serves /dapr/subscribe to its sidecar only', async (appId) => {
    expect((await raw(member(appId).appPort, 'GET', '/dapr/subscribe')).status).toBe(401);
    const own = { 'dapr-api-token': member(appId).sidecar.appApiToken };
    expect((await raw(member(appId).appPort, 'GET', '/dapr/subscribe', own)).status).toBe(200);
  });
});

describe("each daprd's HTTP API", () => {
  it.each(appIds.map((appId) => [appId]))('of %s refuses every call without its Dapr API token', async (appId) => {
    const port = member(appId).sidecar.httpPort;
    const calls: Array<[string, string, string?]> = [
      ['POST', '/v1.0/invoke/payments/method/internal/payments', '{}'],
      ['POST', `/v1.0/publish/pubsub/${topics.paymentSucceeded}`, '{}'],
      ['GET', '/v1.0/state/statestore/anything'],
      ['POST', '/v1.0/state/statestore', '[{"key":"k","value":1}]'],
      ['GET', '/v1.0/metadata'],
    ];
    for (const [method, path, body] of calls) {
      for (const headers of [{}, wrongToken]) {
        expect([path, (await raw(port, method, path, { ...jsonBody, ...headers }, body)).status]).toEqual([path, 401]);
      }
    }
    // The probes stay open (kubelet carries no token).
    expect((await raw(port, 'GET', '/v1.0/healthz')).status).toBe(204);
  });

  it('with the token, still refuses an invocation the mesh policy does not name (access control over mTLS)', async () => {
    const hub = member('hub').sidecar;
    const charge = await raw(
      hub.httpPort,
      'POST',
      '/v1.0/invoke/payments/method/internal/payments',
      { ...jsonBody, 'dapr-api-token': hub.daprApiToken },
      JSON.stringify({ orderId: randomUUID(), amount: { amount: 1, currency: 'EUR' } }),
    );
    expect(charge.status).toBe(403);
    expect(charge.body).toContain('access control policy has denied access to id: spiffe://public/ns/default/hub');
    // The right caller with a verb the table does not give it.
    const orders = member('orders').sidecar;
    const listing = await raw(orders.httpPort, 'GET', '/v1.0/invoke/payments/method/internal/payments', {
      'dapr-api-token': orders.daprApiToken,
    });
    expect(listing.status).toBe(403);
  });

  it('admits the invocations the mesh policy names', async () => {
    const hub = member('hub').sidecar;
    const productId = await productWithStock(2);
    const stock = await raw(hub.httpPort, 'GET', `/v1.0/invoke/inventory/method/internal/stock/${productId}`, {
      'dapr-api-token': hub.daprApiToken,
    });
    expect(stock.status).toBe(200);
  });

  it('refuses a sidecar publishing a topic its app does not own, even with its token', async () => {
    const hub = member('hub').sidecar;
    const published = await raw(
      hub.httpPort,
      'POST',
      `/v1.0/publish/pubsub/${topics.orderPaid}`,
      { ...jsonBody, 'dapr-api-token': hub.daprApiToken },
      JSON.stringify({ id: randomUUID(), type: topics.orderPaid, occurredAt: new Date().toISOString(), data: {} }),
    );
    expect(published.status).toBe(403);
    expect(published.body).toContain('ERR_PUBSUB_FORBIDDEN');
  });
});

/** What a gRPC request over HTTP/2 to `authority` comes to: the status answered, or how the connection ended. */
function http2Call(authority: string): Promise<string> {
  return new Promise((resolve) => {
    const session = connect(authority, { rejectUnauthorized: false });
    const done = (outcome: string) => {
      resolve(outcome);
      session.destroy();
    };
    session.on('error', (error) => done(`error ${error.message}`));
    session.on('close', () => done('closed'));
    const stream = session.request({
      ':method': 'POST',
      ':path': '/dapr.proto.internals.v1.ServiceInvocation/CallLocal',
      'content-type': 'application/grpc',
    });
    stream.on('response', (headers) => done(`answered ${headers[':status']}`));
    stream.on('error', (error) => done(`error ${error.message}`));
    stream.end();
  });
}

/** The grpc-status of GetMetadata on daprd's gRPC API (plain HTTP/2), with the headers given. */
function grpcMetadataStatus(port: number, headers: Record<string, string>): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const session = connect(`http://127.0.0.1:${port}`);
    session.on('error', reject);
    const stream = session.request({
      ':method': 'POST',
      ':path': '/dapr.proto.runtime.v1.Dapr/GetMetadata',
      'content-type': 'application/grpc',
      te: 'trailers',
      ...headers,
    });
    let status: string | undefined;
    const read = (fields: Record<string, unknown>) => {
      if (fields['grpc-status'] !== undefined) status = String(fields['grpc-status']);
    };
    stream.on('response', read);
    stream.on('trailers', read);
    stream.on('data', () => {});
    stream.on('end', () => {
      resolve(status);
      session.close();
    });
    stream.on('error', reject);
    // An empty GetMetadataRequest: no compression, zero length.
    stream.end(Buffer.alloc(5));
  });
}

describe("each daprd's gRPC API", () => {
  it.each(appIds.map((appId) => [appId]))('of %s refuses a call without its Dapr API token', async (appId) => {
    const sidecar = member(appId).sidecar;
    const unauthenticated = '16';
    expect(await grpcMetadataStatus(sidecar.grpcPort, {})).toBe(unauthenticated);
    expect(await grpcMetadataStatus(sidecar.grpcPort, wrongToken)).toBe(unauthenticated);
    expect(await grpcMetadataStatus(sidecar.grpcPort, { 'dapr-api-token': sidecar.daprApiToken })).toBe('0');
  });
});

describe("the sidecars' internal gRPC ports", () => {
  it.each(appIds.map((appId) => [appId]))(
    'of %s talk only to a peer with a certificate from Sentry (mTLS), in TLS or in plain text',
    async (appId) => {
      const port = member(appId).sidecar.internalGrpcPort;
      expect(await http2Call(`https://127.0.0.1:${port}`)).toMatch(/certificate required/);
      expect(await http2Call(`http://127.0.0.1:${port}`)).not.toMatch(/^answered/);
    },
    10_000,
  );
});

describe('the topology description', () => {
  it('names every app port and sidecar port, and no token', () => {
    const text = readFileSync(platform.topology.descriptionFile, 'utf8');
    const description = JSON.parse(text) as TopologyDescription;
    expect(description.members.map((m) => m.appId).sort()).toEqual([...appIds].sort());
    for (const described of description.members) {
      const running = member(described.appId);
      expect(described).toEqual({
        appId: running.name,
        replica: 0,
        appPort: running.appPort,
        sidecar: {
          httpPort: running.sidecar.httpPort,
          grpcPort: running.sidecar.grpcPort,
          internalGrpcPort: running.sidecar.internalGrpcPort,
          metricsPort: running.sidecar.metricsPort,
        },
      });
      expect(text).not.toContain(running.sidecar.appApiToken);
      expect(text).not.toContain(running.sidecar.daprApiToken);
    }
    expect(description.sentry.address).toBe(platform.topology.sentry.address);
  });
});

describe('one trace across the services, exported over OTLP', () => {
  it('Dapr topology: the services and their sidecars continue the caller’s trace', async () => {
    const traceId = randomBytes(16).toString('hex');
    await placeOrderUnder(traceId);
    const owner = (span: ReceivedSpan) => (fromDaprd(span) ? `daprd ${span.service}` : ownerOf(span));
    await traceReaching(receiver, traceId, owner, [...sagaServices, ...sagaServices.map((name) => `daprd ${name}`)]);
  }, 120_000);
});
