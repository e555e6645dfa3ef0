import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportingTo, type RunningJaeger, resolveJaeger, startJaeger } from '@shop/testkit/src/jaeger';
import { find, renderChart, requiredSecrets, setArgs } from '../deploy/support/manifests';
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

let jaegerDir: string;
let jaeger: RunningJaeger;
let platform: DaprPlatform;
const traceId = randomBytes(16).toString('hex');
const callerSpanId = randomBytes(8).toString('hex');
let answerTraceparent: string | null;
let trace: Trace;

/** The saga's hops, each a service and its sidecar: what the trace must hold before it is read. */
const sagaOwners = ['gateway', 'orders', 'inventory', 'payments', 'daprd orders', 'daprd inventory', 'daprd payments'];

// One platform, one order: the trace is read once and every test below looks at a part of it.
beforeAll(async () => {
  jaegerDir = mkdtempSync(join(tmpdir(), 'shop-jaeger-'));
  jaeger = await startJaeger({ dir: jaegerDir });
  // The services, their sidecars and the gateway (a process of its own, as deployed) all export to Jaeger.
  const exporting = exportingTo(jaeger);
  platform = await startDaprPlatform(exporting, { sidecarEnv: exporting, gatewayProcessEnv: exporting });
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
}, 300_000);

afterAll(async () => {
  await platform?.stop();
  await jaeger?.stop();
  if (jaegerDir) rmSync(jaegerDir, { recursive: true, force: true });
});

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
