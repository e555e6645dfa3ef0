import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { eventually } from '@shop/testkit/src/eventually';
import { freePort } from '@shop/testkit/src/free-port';
import { json } from '@shop/testkit/src/listen';
import { type ManagedProcess, spawnManaged } from '@shop/testkit/src/managed-process';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from '@shop/testkit/src/otlp-receiver';
import { bearer, newCustomer, postJson } from '../e2e/support/accounts';
import { orderReaching, payment, productWithStock, shippingAddress } from '../e2e/support/shop';
import { startDaprPlatform } from './support/dapr-platform';

const repoRoot = resolve(__dirname, '../..');
/** The services an order's trace must reach: placement, the stock reservation, the payment. */
const sagaServices = ['orders', 'inventory', 'payments'];

let receiver: OtlpReceiver;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(() => receiver?.close());

/** Standard OTEL_* variables only: the endpoint turns tracing on; a short batch delay keeps the test quick. */
function tracingEnv(): Record<string, string> {
  return { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '100' };
}

/** Whose work a span is: the kit names the service on its own spans; elsewhere the resource's service.name says. */
function ownerOf(span: ReceivedSpan): string {
  const named = span.attributes['shop.service'];
  return typeof named === 'string' ? named : span.service;
}

/** A span exported by daprd rather than by a Node service (whose scopes are OpenTelemetry JS packages or the kit). */
function fromDaprd(span: ReceivedSpan): boolean {
  return !span.scope.startsWith('@opentelemetry/') && span.scope !== '@shop/kit';
}

/** Places an order under a traceparent of our own and waits until the saga has settled it. */
async function placeOrderUnder(traceId: string): Promise<void> {
  const productId = await productWithStock(5);
  const customer = await newCustomer();
  const res = await postJson(
    '/api/orders',
    { items: [{ productId, quantity: 1 }], shippingAddress, payment: payment() },
    { ...bearer(customer.accessToken), traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
  );
  expect(res.status).toBe(202);
  const placed = await json(res);
  await orderReaching(placed.id, customer.accessToken, ['Paid']);
}

/** Waits until the trace has spans of every one of `owners`, prints it (span names per owner) and answers it. */
async function traceReaching(traceId: string, owners: (span: ReceivedSpan) => string, expected: string[]) {
  const spans = await eventually(
    () => {
      const found = receiver.spans.filter((span) => span.traceId === traceId);
      const missing = expected.filter((owner) => !found.some((span) => owners(span) === owner));
      if (missing.length > 0) throw new Error(`no span of ${missing.join(', ')} in trace ${traceId} yet`);
      return found;
    },
    30_000,
    100,
  );
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

describe('one trace across the services, exported over OTLP', () => {
  it('embedded topology: the order, the reservation and the payment are spans of the caller’s trace', async () => {
    const port = await freePort();
    const runDir = mkdtempSync(join(tmpdir(), 'shop-trace-embedded-'));
    let edge: ManagedProcess | undefined;
    try {
      edge = spawnManaged('edge', process.execPath, {
        args: ['--import', 'tsx', join(repoRoot, 'services/edge/src/main.ts')],
        cwd: repoRoot,
        logDir: runDir,
        env: {
          ...process.env,
          PORT: String(port),
          SHOP_DATA_DIR: join(runDir, 'data'),
          LOG_LEVEL: 'warn',
          ...tracingEnv(),
        },
      });
      const baseUrl = `http://127.0.0.1:${port}`;
      await eventually(
        async () => {
          const res = await fetch(`${baseUrl}/readyz`);
          if (res.status !== 200) throw new Error(`readyz answered ${res.status}`);
        },
        60_000,
        250,
      );
      process.env.E2E_BASE_URL = baseUrl;
      const traceId = randomBytes(16).toString('hex');
      await placeOrderUnder(traceId);
      const spans = await traceReaching(traceId, ownerOf, sagaServices);
      // The process is one resource; what each service did is named by the kit's spans.
      expect(new Set(spans.map((span) => span.service))).toEqual(new Set(['edge']));
      expect(receiver.requests.get('application/x-protobuf')).toBeGreaterThan(0);
    } finally {
      await edge?.stop();
      rmSync(runDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('Dapr topology: the services and their sidecars continue the caller’s trace', async () => {
    // daprd reads the same variables; it speaks gRPC unless the protocol says http.
    const sidecarEnv = {
      ...tracingEnv(),
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_INSECURE: 'true',
    };
    const platform = await startDaprPlatform(tracingEnv(), { sidecarEnv });
    try {
      const traceId = randomBytes(16).toString('hex');
      await placeOrderUnder(traceId);
      const owner = (span: ReceivedSpan) => (fromDaprd(span) ? `daprd ${span.service}` : ownerOf(span));
      await traceReaching(traceId, owner, [...sagaServices, ...sagaServices.map((name) => `daprd ${name}`)]);
    } finally {
      await platform.stop();
    }
  }, 300_000);
});
