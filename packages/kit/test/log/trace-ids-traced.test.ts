import { PassThrough } from 'node:stream';
import { createLogger } from '../../src/log/logger';
import { startTracing, type Tracing } from '../../src/tracing/start-tracing';
import { currentTraceparent, inKitSpan } from '../../src/tracing/tracing';

// With tracing on, a line carries the active span's ids even when it is written through a logger made long before
// the request or the delivery (a service's adapters log through the service's own logger).

let tracing: Tracing | undefined;
beforeAll(() => {
  // Nothing listens on port 9 and the batch is never due: spans are made, none is exported.
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = 'http://127.0.0.1:9';
  process.env.OTEL_BSP_SCHEDULE_DELAY = '3600000';
  tracing = startTracing('log-test');
});
afterAll(() => {
  delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  delete process.env.OTEL_BSP_SCHEDULE_DELAY;
});

function captured(format: 'json' | 'pretty') {
  const stream = new PassThrough();
  const lines: string[] = [];
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  return { log: createLogger({ name: 'traced', level: 'info', stream, format, color: false }), lines };
}

it.each(['json', 'pretty'] as const)(
  'adds the active span’s trace and span ids to a %s line written through a logger of the process',
  async (format) => {
    expect(tracing).toBeDefined();
    const { log, lines } = captured(format);
    let traceparent: string | undefined;
    await inKitSpan('catalog GET /api/products/:id', { service: 'catalog' }, async () => {
      traceparent = currentTraceparent();
      log.warn('product cache read failed; reading the database');
    });
    log.info('outside any span');
    await new Promise((resolve) => setImmediate(resolve));
    const [, traceId, spanId] = (traceparent ?? '').split('-');
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    if (format === 'json') {
      const [inside, outside] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(inside).toMatchObject({ trace_id: traceId, span_id: spanId });
      expect(outside?.trace_id).toBeUndefined();
    } else {
      expect(lines[0]).toContain(`trace_id=${traceId} span_id=${spanId}`);
      expect(lines[1]).not.toContain('trace_id=');
    }
  },
);
