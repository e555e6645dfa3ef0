import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appIds, topics } from '@shop/contracts';
import type { TopologyDescription, TopologyMember } from '@shop/testkit/src/dapr-topology';
import { exportingTo, type RunningJaeger, resolveJaeger, startJaeger } from '@shop/testkit/src/jaeger';
import { json } from '@shop/testkit/src/listen';
import { rawRequest } from '@shop/testkit/src/raw-http';
import { find, renderChart, requiredSecrets, setArgs } from '../deploy/support/manifests';
import { bearer, newCustomer, postJson } from '../e2e/support/accounts';
import { get, orderReaching, payment, productWithStock, shippingAddress, testCards } from '../e2e/support/shop';
import { type DaprPlatform, startDaprPlatform } from './support/dapr-platform';
import {
  fromDaprd,
  isSqlStatement,
  ownerOf,
  printable,
  type Trace,
  type TraceSpan,
  traceSettled,
} from './support/jaeger-trace';
import { placeOrderUnder } from './support/trace';

// The attacks of issue "Close the doors", made as any process on the network could make them: straight to each
// service's app port and each daprd's HTTP API, over raw HTTP, with no credentials, wrong ones, or a sidecar's
// own token asking for more than the mesh policy gives its app.

// The same platform exports its traces (services, sidecars and the gateway, a process of its own as deployed) to a
// real Jaeger, for the trace test at the end: one Dapr platform for both, since bringing one up is most of either
// file's time.

let platform: DaprPlatform;
let jaegerDir: string;
let jaeger: RunningJaeger;

beforeAll(async () => {
  jaegerDir = mkdtempSync(join(tmpdir(), 'shop-jaeger-'));
  jaeger = await startJaeger({ dir: jaegerDir });
  const exporting = exportingTo(jaeger);
  platform = await startDaprPlatform(exporting, { sidecarEnv: exporting, gatewayProcessEnv: exporting });
}, 240_000);
afterAll(async () => {
  await platform?.stop();
  await jaeger?.stop();
  if (jaegerDir) rmSync(jaegerDir, { recursive: true, force: true });
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

const traceId = randomBytes(16).toString('hex');
const callerSpanId = randomBytes(8).toString('hex');
let answerTraceparent: string | null;
let trace: Trace;
/** The saga's hops, each a service and its sidecar: what the trace must hold before it is read. */
const sagaOwners = ['gateway', 'orders', 'inventory', 'payments', 'daprd orders', 'daprd inventory', 'daprd payments'];
const pathOf = (span: TraceSpan) => String(span.tags['url.path'] ?? span.tags['http.target'] ?? '').split('?')[0];
const spansWhere = (test: (span: TraceSpan) => boolean) => trace.spans.filter(test);
/** The one span that passes `test`, or a failure naming what the trace holds. */
function theSpan(what: string, test: (span: TraceSpan) => boolean): TraceSpan {
  const found = spansWhere(test);
  if (found.length !== 1) throw new Error(`${found.length} spans are ${what} in:\n${printable(trace)}`);
  return found[0] as TraceSpan;
}
const chainOf = (span: TraceSpan) => trace.ancestry(span).map((s) => `${ownerOf(s)} ${s.name}`);
/** The kit's span of `service` handling `topic` (one per delivery: each event is handled once). */
const receiving = (service: string, topic: string) =>
  theSpan(`${service} receiving ${topic}`, (s) => s.scope === '@shop/kit' && s.name === `${service} receive ${topic}`);
/** The sidecar's delivery of `topic` to its app. */
const delivering = (service: string, topic: string) =>
  theSpan(
    `daprd ${service} delivering ${topic}`,
    (s) => ownerOf(s) === `daprd ${service}` && s.name === `pubsub/${topic}`,
  );

describe('an order’s trace read back from Jaeger (Dapr topology)', () => {
  // One order, its trace read once: every test below looks at a part of it.
  beforeAll(async () => {
    const started = Date.now();
    answerTraceparent = (await placeOrderUnder(traceId, callerSpanId)).traceparent;
    trace = await traceSettled(jaeger.queryUrl, traceId, sagaOwners);
    const counts = new Map<string, number>();
    for (const span of trace.spans) counts.set(ownerOf(span), (counts.get(ownerOf(span)) ?? 0) + 1);
    console.log(
      `trace ${traceId}: ${trace.spans.length} spans, ${trace.spans.filter(isSqlStatement).length} of them SQL ` +
        `statements, read back ${Date.now() - started} ms after placing the order (Paid included)\n` +
        `${[...counts].map(([owner, count]) => `  ${owner}: ${count}`).join('\n')}\n${printable(trace)}`,
    );
  }, 120_000);

  it('is one tree, rooted in the gateway’s span that continues the caller’s traceparent', () => {
    const gatewayServer = theSpan('the gateway’s server span', (s) => s.process === 'gateway' && s.kind === 'server');
    expect(gatewayServer.parentId).toBe(callerSpanId);
    // Every other span hangs, at some depth, under it: nothing of the order started a trace of its own.
    expect(spansWhere((s) => !s.parentId || !trace.byId.has(s.parentId))).toEqual([gatewayServer]);
    expect(trace.descendants(gatewayServer)).toHaveLength(trace.spans.length - 1);
  });

  it('goes from the gateway’s proxied call to the orders service’s request, whose span the answer names', () => {
    const ordersServer = theSpan(
      'orders’ POST /api/orders',
      (s) => s.process === 'orders' && s.kind === 'server' && pathOf(s) === '/api/orders',
    );
    const proxied = trace.parentOf(ordersServer);
    expect([proxied?.process, proxied?.kind]).toEqual(['gateway', 'client']);
    expect(trace.parentOf(proxied as TraceSpan)?.parentId).toBe(callerSpanId);
    // What a client reads to find the trace (docs/operations.md, Traces in Jaeger).
    expect(answerTraceparent).toBe(`00-${traceId}-${ordersServer.spanId}-01`);
  });

  it('crosses both sidecars on each invocation: orders charges through payments’ daprd', () => {
    const charge = theSpan(
      'payments’ POST /internal/payments',
      (s) => s.process === 'payments' && s.kind === 'server' && pathOf(s) === '/internal/payments',
    );
    expect(chainOf(charge).slice(0, 5)).toEqual([
      `payments ${charge.name}`,
      'daprd payments CallLocal/payments/internal/payments',
      'daprd orders CallLocal/payments/internal/payments',
      expect.stringMatching(/^orders /),
      expect.stringMatching(/^orders /),
    ]);
    expect(trace.ancestry(charge)[4]?.kind).toBe('server');
    expect(pathOf(trace.ancestry(charge)[4] as TraceSpan)).toBe('/api/orders');
  });

  it('follows the saga’s events through the publishers’ and the consumers’ sidecars, consumer after consumer', () => {
    // orders → (order-placed) inventory → (stock-reserved) payments → (payment-succeeded) orders.
    const hops: Array<[string, string, string]> = [
      ['inventory', 'orders.order-placed', 'orders'],
      ['payments', 'inventory.stock-reserved', 'inventory'],
      ['orders', 'payments.payment-succeeded', 'payments'],
    ];
    for (const [consumer, topic, publisher] of hops) {
      const handled = receiving(consumer, topic);
      expect([handled.process, handled.kind]).toEqual([consumer, 'consumer']);
      const ancestry = trace.ancestry(handled);
      // Its sidecar delivered it, in the trace of the publisher's work.
      const delivery = delivering(consumer, topic);
      expect(ancestry).toContain(delivery);
      expect(fromDaprd(delivery)).toBe(true);
      const publisherWork = ancestry.slice(ancestry.indexOf(delivery) + 1);
      expect(publisherWork[0]?.process).toBe(publisher);
      if (publisher !== 'orders') {
        // The publisher was itself a consumer of the previous hop.
        expect(publisherWork.map((s) => s.name)).toContain(
          `${publisher} receive ${hops.find(([c]) => c === publisher)?.[1]}`,
        );
      }
      // And the publisher's sidecar published it.
      const published = spansWhere((s) => ownerOf(s) === `daprd ${publisher}` && s.name.endsWith(`/pubsub/${topic}`));
      expect(published.length).toBeGreaterThan(0);
    }
  });

  it('holds each SQL statement as a child of the work that ran it, in the same service', () => {
    const statements = spansWhere(isSqlStatement);
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      const parent = trace.parentOf(statement);
      expect([statement.process, parent?.process, parent && fromDaprd(parent)]).toEqual([
        statement.process,
        statement.process,
        false,
      ]);
    }
    const ownStatements = (span: TraceSpan) =>
      trace
        .descendants(span)
        .filter((s) => isSqlStatement(s) && s.process === span.process)
        .map((s) => String(s.tags['db.query.text']));
    const placing = theSpan(
      'orders’ POST /api/orders',
      (s) => s.process === 'orders' && s.kind === 'server' && pathOf(s) === '/api/orders',
    );
    // The order and its outbox row, written by the request; the reservation and the charge by their consumers.
    expect(ownStatements(placing).some((sql) => /^INSERT INTO "orders"/i.test(sql))).toBe(true);
    expect(ownStatements(placing).some((sql) => /outbox_events/i.test(sql))).toBe(true);
    expect(
      ownStatements(receiving('inventory', 'orders.order-placed')).some((sql) => /^(INSERT|UPDATE)/i.test(sql)),
    ).toBe(true);
    expect(
      ownStatements(receiving('payments', 'inventory.stock-reserved')).some((sql) => /^(INSERT|UPDATE)/i.test(sql)),
    ).toBe(true);
  });
});

describe('the chart’s Jaeger configuration (jaeger.enabled)', () => {
  it('is one this Jaeger accepts', () => {
    const config = find(
      renderChart([...setArgs(requiredSecrets), '--set', 'jaeger.enabled=true']),
      'ConfigMap',
      'shop-jaeger',
    ).data['config.yaml'] as string;
    const file = join(jaegerDir, 'chart-config.yaml');
    writeFileSync(file, config);
    expect(() => execFileSync(resolveJaeger(), ['validate', '--config', file], { stdio: 'pipe' })).not.toThrow();
    writeFileSync(file, config.replace('max_traces:', 'max_trace:'));
    expect(() => execFileSync(resolveJaeger(), ['validate', '--config', file], { stdio: 'pipe' })).toThrow(/max_trace/);
  });
});
