import { PassThrough } from 'node:stream';
import Router from '@koa/router';
import { type Listening, listen } from '@shop/testkit/src/listen';
import { rawRequest } from '@shop/testkit/src/raw-http';
import { createHttpApp } from '../../src/host/http-app';
import { createMetricsRegistry } from '../../src/http/metrics';
import { createLogger } from '../../src/log/logger';
import type { LogFormat } from '../../src/log/pretty-format';
import { EmbeddedBus } from '../../src/mesh/embedded';

// What an operator reads: one info line per request (method, route pattern, status, duration) in either format, no
// secret anywhere, and the request's (or the event's) trace and span ids on every line written while handling it.

const secrets = {
  jwt: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJlLXNlY3JldA',
  password: 'hunter2-correct-horse',
  card: '4242 4242 4242 4242',
  cardDigits: '4000000000000002',
  cvc: '737',
  cookie: 'session-cookie-secret',
  queryToken: 'query-token-secret',
};

function captured(format: LogFormat) {
  const stream = new PassThrough();
  const lines: string[] = [];
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  return { log: createLogger({ name: 'lines', level: 'info', stream, format, color: false }), lines };
}

/** An app whose handlers log what a careless handler would: the body and the headers, and an error naming a card. */
async function serveApp(format: LogFormat): Promise<Listening & { lines: string[] }> {
  const { log, lines } = captured(format);
  const router = new Router();
  router.post('/api/sessions/:customerId', (ctx) => {
    ctx.state.log.info({ body: ctx.request.body, headers: ctx.headers }, 'signing in');
    ctx.body = { ok: true };
  });
  router.get('/api/payments/:id', () => {
    throw new Error(`gateway refused card ${secrets.cardDigits} for Bearer ${secrets.jwt}`);
  });
  const app = createHttpApp({
    name: 'lines',
    log,
    metrics: createMetricsRegistry(),
    health: { accepting: true },
    readiness: () => [],
    routers: [router],
  });
  return Object.assign(await listen(app.callback()), { lines });
}

async function signIn(url: string) {
  return rawRequest(url, {
    method: 'POST',
    target: `/api/sessions/c-1?access_token=${secrets.queryToken}&password=${secrets.password}`,
    headers: {
      authorization: `Bearer ${secrets.jwt}`,
      cookie: `sid=${secrets.cookie}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ password: secrets.password, cardNumber: secrets.card, cvc: secrets.cvc }),
  });
}

/** Resolves once the log stream has passed on the lines the request wrote (at most a second under load). */
async function linesUntil(lines: string[], done: (lines: string[]) => boolean): Promise<void> {
  const deadline = Date.now() + 1_000;
  while (!done(lines) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
}
const traceOf = (traceparent: string | undefined) => {
  const [, traceId, spanId] = (traceparent ?? '').split('-');
  return { traceId: traceId ?? '', spanId: spanId ?? '' };
};

describe.each(['json', 'pretty'] as const)('the %s log of requests', (format) => {
  let served: (Listening & { lines: string[] }) | undefined;
  afterEach(() => served?.close());

  it('has one info line per request with the method, the route pattern, the status and the duration', async () => {
    served = await serveApp(format);
    const answer = await signIn(served.url);
    expect(answer.status).toBe(200);
    await linesUntil(served.lines, (lines) => lines.some((line) => line.includes('POST')));
    if (format === 'json') {
      const requestLines = served.lines.map((line) => JSON.parse(line)).filter((record) => record.msg === 'request');
      expect(requestLines).toEqual([
        expect.objectContaining({ level: 30, method: 'POST', route: '/api/sessions/:customerId', status: 200 }),
      ]);
      expect(typeof requestLines[0].duration_ms).toBe('number');
    } else {
      const requestLines = served.lines.filter((line) => line.includes(' POST '));
      expect(requestLines).toHaveLength(1);
      expect(requestLines[0]).toMatch(
        /^\d\d:\d\d:\d\d\.\d{3} INFO {2}POST \/api\/sessions\/:customerId 200 [\d.]+ ms /,
      );
    }
  });

  it('never writes a token, a password, a cookie or a card number, from headers, query, body or an error', async () => {
    served = await serveApp(format);
    await signIn(served.url);
    const failed = await rawRequest(served.url, {
      target: `/api/payments/p-1?token=${secrets.queryToken}`,
      headers: { authorization: `Bearer ${secrets.jwt}` },
    });
    expect(failed.status).toBe(500);
    await linesUntil(served.lines, (lines) => lines.filter((line) => line.includes('/api/payments/')).length > 0);
    const written = served.lines.join('\n');
    expect(written).toContain('signing in');
    expect(written).toContain('unhandled error');
    const { cvc, ...longSecrets } = secrets;
    for (const secret of Object.values(longSecrets)) expect(written).not.toContain(secret);
    // Three digits turn up by chance in random trace ids and durations: the code must not appear as the field's value.
    expect(written).not.toMatch(new RegExp(`cvc\\W{1,4}${cvc}`));
  });

  it('carries the trace and span ids the answer echoes on every line of the request', async () => {
    served = await serveApp(format);
    const answer = await signIn(served.url);
    await linesUntil(served.lines, (lines) => lines.length >= 2);
    const { traceId, spanId } = traceOf(answer.headers.traceparent);
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(served.lines).toHaveLength(2);
    for (const line of served.lines) {
      if (format === 'json') expect(JSON.parse(line)).toMatchObject({ trace_id: traceId, span_id: spanId });
      else expect(line).toContain(`trace_id=${traceId} span_id=${spanId}`);
    }
  });
});

describe('the log of an event delivered on the embedded bus (tracing off)', () => {
  it('carries one trace and span id on every line of the delivery, its retries and its dead letter', async () => {
    const { log, lines } = captured('json');
    const bus = new EmbeddedBus({ logger: log, retry: { maxAttempts: 2, initialBackoffMs: 1, maxBackoffMs: 1 } });
    bus.register('consumer', {
      subscriptions: [
        {
          topic: 'widgets.made',
          async handle(_event, delivery) {
            delivery?.log.info('handling');
            throw new Error('cannot make widgets today');
          },
        },
        {
          topic: 'deadletter.consumer',
          async handle(_event, delivery) {
            delivery?.log.info('dead letter seen');
            return 'success';
          },
        },
      ],
    });
    await bus.meshFor('maker').publish('widgets.made', {
      id: 'w-1',
      type: 'widgets.made',
      occurredAt: new Date().toISOString(),
      data: {},
    });
    await bus.close();
    const records = lines.map((line) => JSON.parse(line) as Record<string, string>);
    const handling = records.filter((record) => record.msg === 'handling' || /retrying/.test(record.msg ?? ''));
    expect(handling.length).toBe(4);
    const [first] = handling;
    expect(first?.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(first?.span_id).toMatch(/^[0-9a-f]{16}$/);
    for (const record of handling) expect(record).toMatchObject({ trace_id: first?.trace_id, span_id: first?.span_id });
    expect(records.find((record) => record.msg === 'dead letter seen')).toMatchObject({
      trace_id: expect.stringMatching(/^[0-9a-f]{32}$/),
      span_id: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
  });
});
