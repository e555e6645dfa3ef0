import { randomBytes } from 'node:crypto';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from '@shop/testkit/src/otlp-receiver';
import { startDaprPlatform } from './support/dapr-platform';
import { fromDaprd, ownerOf, placeOrderUnder, sagaServices, traceReaching, tracingEnv } from './support/trace';

let receiver: OtlpReceiver;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(() => receiver?.close());

describe('one trace across the services, exported over OTLP', () => {
  it('Dapr topology: the services and their sidecars continue the caller’s trace', async () => {
    // daprd reads the same variables; it speaks gRPC unless the protocol says http.
    const sidecarEnv = {
      ...tracingEnv(receiver),
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_INSECURE: 'true',
    };
    const platform = await startDaprPlatform(tracingEnv(receiver), { sidecarEnv });
    try {
      const traceId = randomBytes(16).toString('hex');
      await placeOrderUnder(traceId);
      const owner = (span: ReceivedSpan) => (fromDaprd(span) ? `daprd ${span.service}` : ownerOf(span));
      await traceReaching(receiver, traceId, owner, [...sagaServices, ...sagaServices.map((name) => `daprd ${name}`)]);
    } finally {
      await platform.stop();
    }
  }, 300_000);
});
