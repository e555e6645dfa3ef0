import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '@shop/testkit/src/eventually';
import { freePort } from '@shop/testkit/src/free-port';
import { type ManagedProcess, spawnManaged } from '@shop/testkit/src/managed-process';
import { type OtlpReceiver, startOtlpReceiver } from '@shop/testkit/src/otlp-receiver';
import { quickPasswordHashing } from '@shop/testkit/src/quick-passwords';
import { ownerOf, placeOrderUnder, repoRoot, sagaServices, traceReaching, tracingEnv } from './support/trace';

let receiver: OtlpReceiver;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(() => receiver?.close());

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
          SHOP_DEMO_DATA: 'false',
          ...quickPasswordHashing,
          ...tracingEnv(receiver),
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
      const spans = await traceReaching(receiver, traceId, ownerOf, sagaServices);
      // The process is one resource; what each service did is named by the kit's spans.
      expect(new Set(spans.map((span) => span.service))).toEqual(new Set(['edge']));
      expect(receiver.requests.get('application/x-protobuf')).toBeGreaterThan(0);
    } finally {
      await edge?.stop();
      rmSync(runDir, { recursive: true, force: true });
    }
  }, 120_000);
});
