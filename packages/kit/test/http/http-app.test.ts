import { randomUUID } from 'node:crypto';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { json } from '@shop/testkit/src/listen';
import { startTestApp, type TestApp } from './test-app';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${app.url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

describe('operations endpoints', () => {
  it('answers /healthz while the process runs', async () => {
    const res = await fetch(`${app.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ status: 'ok' });
  });

  it('answers /readyz 503 naming the dependency that does not answer', async () => {
    app.checks.push({ name: 'database', check: async () => {} });
    app.checks.push({
      name: 'sidecar',
      check: async () => {
        throw new Error('connection refused');
      },
    });
    const res = await fetch(`${app.url}/readyz`);
    expect(res.status).toBe(503);
    expect(await json(res)).toEqual({
      status: 'not-ready',
      checks: { database: 'ok', sidecar: 'connection refused' },
    });
    app.checks.pop();
    expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
    app.checks.length = 0;
  });

  it('reports not ready once shutdown has begun', async () => {
    app.health.accepting = false;
    const res = await fetch(`${app.url}/readyz`);
    app.health.accepting = true;
    expect(res.status).toBe(503);
    expect((await json(res)).status).toBe('shutting-down');
  });

  it('exposes request durations by route pattern in the Prometheus format', async () => {
    await post(`/widgets/${randomUUID()}`, JSON.stringify({ name: 'a', quantity: 1 }));
    const res = await fetch(`${app.url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/http_server_request_duration_seconds_count\{[^}]*route="\/widgets\/:id"[^}]*status="200"/);
    expect(text).toContain('process_cpu_user_seconds_total');
  });
});

describe('problem documents', () => {
  it('answers an unknown path with a 404 problem document', async () => {
    const res = await fetch(`${app.url}/nowhere`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await json(res)).toMatchObject({ type: 'about:blank', title: 'Not Found', status: 404 });
  });

  it('names every invalid field of params, query and body at once', async () => {
    const res = await post('/widgets/not-a-uuid?dryRun=maybe', JSON.stringify({ quantity: 0, tags: ['x'.repeat(11)] }));
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.errors.map((e: { path: string }) => e.path).sort()).toEqual(
      ['body.name', 'body.quantity', 'body.tags.0', 'params.id', 'query.dryRun'].sort(),
    );
    for (const error of body.errors) expect(typeof error.message).toBe('string');
  });

  it('passes converted values on to the route', async () => {
    const id = randomUUID();
    const res = await post(`/widgets/${id}?dryRun=true`, JSON.stringify({ name: 'bolt', quantity: '3' }));
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ id, name: 'bolt', quantity: 3, dryRun: true });
  });

  it('answers malformed JSON with 400, not 500', async () => {
    const res = await post(`/widgets/${randomUUID()}`, '{"name": ');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('answers a missing body with 400 naming the required fields', async () => {
    const res = await fetch(`${app.url}/widgets/${randomUUID()}`, { method: 'POST' });
    expect(res.status).toBe(400);
    const paths = (await json(res)).errors.map((e: { path: string }) => e.path);
    expect(paths.sort()).toEqual(['body.name', 'body.quantity']);
  });

  it('refuses NUL and other control characters in params, query and body, naming every field', async () => {
    const res = await post(
      `/widgets/${randomUUID()}%00?dryRun=true&note=a%01b`,
      JSON.stringify({ name: 'bolt\u0000', quantity: 1, tags: ['ok', 'bell\u0007'], '\u001bkey': 1 }),
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const paths = (await json(res)).errors.map((e: { path: string }) => e.path);
    expect(paths.sort()).toEqual(['body."\\u001bkey"', 'body.name', 'body.tags.1', 'params.id', 'query.note'].sort());
  });

  it('refuses control characters on a route that declares no schema', async () => {
    const res = await post('/notes/a%00b?q=%00', JSON.stringify({ nested: { text: 'x\u0000' } }));
    expect(res.status).toBe(400);
    const paths = (await json(res)).errors.map((e: { path: string }) => e.path);
    expect(paths.sort()).toEqual(['body.nested.text', 'params.slug', 'query.q']);
  });

  it('keeps tabs and line breaks, which multi-line text needs', async () => {
    const res = await post('/notes/plain?q=a%09b', JSON.stringify({ text: 'line one\r\nline\ttwo' }));
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ slug: 'plain', query: { q: 'a\tb' }, body: { text: 'line one\r\nline\ttwo' } });
  });

  describe('Content-Encoding', () => {
    const widget = JSON.stringify({ name: 'bolt', quantity: 2 });
    const send = (body: Buffer | string, encoding: string) =>
      fetch(`${app.url}/widgets/${randomUUID()}`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'content-encoding': encoding },
      });

    it.each([
      ['gzip', gzipSync],
      ['deflate', deflateSync],
      ['br', brotliCompressSync],
    ])('inflates a real %s body', async (encoding, compress) => {
      const res = await send(compress(Buffer.from(widget)), encoding);
      expect(res.status).toBe(200);
      expect(await json(res)).toMatchObject({ name: 'bolt', quantity: 2 });
    });

    it.each(['gzip', 'deflate', 'br'])('answers a plain body labelled %s with 400, not 500', async (encoding) => {
      const res = await send(widget, encoding);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await json(res)).toMatchObject({ status: 400, title: 'Bad compressed body' });
    });

    it('answers an encoding it does not know with 415', async () => {
      const res = await send(widget, 'compress');
      expect(res.status).toBe(415);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    });

    it('limits the inflated size, so a small compressed body that inflates past the limit is 413', async () => {
      const bomb = gzipSync(Buffer.from(JSON.stringify({ name: 'x', quantity: 1, pad: ' '.repeat(200_000) })));
      expect(bomb.length).toBeLessThan(1024);
      const res = await send(bomb, 'gzip');
      expect(res.status).toBe(413);
    });
  });

  it('answers an oversized body with 413', async () => {
    const res = await post(`/widgets/${randomUUID()}`, JSON.stringify({ name: 'x'.repeat(5000), quantity: 1 }));
    expect(res.status).toBe(413);
  });

  it('renders business problems as thrown', async () => {
    const res = await fetch(`${app.url}/conflict`);
    expect(res.status).toBe(409);
    expect(await json(res)).toEqual({
      type: 'about:blank',
      title: 'Stock would go below reserved',
      status: 409,
      detail: 'onHand 3 < reserved 5',
    });
  });

  it('hides the cause of an unexpected error from the client but logs it', async () => {
    const res = await fetch(`${app.url}/boom`, { headers: { 'x-request-id': 'req-boom-1' } });
    expect(res.status).toBe(500);
    const body = await json(res);
    expect(JSON.stringify(body)).not.toContain('hunter2');
    expect(body.detail).toContain('req-boom-1');
    const logged = app.logLines().find((line) => line.req_id === 'req-boom-1' && line.msg === 'unhandled error');
    expect(logged).toBeDefined();
  });

  it('answers a known path with the wrong method 405', async () => {
    const res = await fetch(`${app.url}/conflict`, { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});

describe('request context', () => {
  it('echoes a plain caller request id and replaces a hostile one', async () => {
    const kept = await fetch(`${app.url}/healthz`, { headers: { 'x-request-id': 'abc-123' } });
    expect(kept.headers.get('x-request-id')).toBe('abc-123');
    const replaced = await fetch(`${app.url}/healthz`, { headers: { 'x-request-id': `forged\t{"level":60}` } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('continues the caller trace with a new span', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await fetch(`${app.url}/healthz`, {
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    const traceparent = res.headers.get('traceparent') ?? '';
    expect(traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(traceparent).not.toContain('00f067aa0ba902b7');
  });

  it('starts a new trace when the traceparent is invalid', async () => {
    const res = await fetch(`${app.url}/healthz`, { headers: { traceparent: '00-zzzz-00f067aa0ba902b7-01' } });
    expect(res.headers.get('traceparent')).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });
});

describe('log redaction', () => {
  it('never writes authorization headers, passwords, tokens or card numbers', async () => {
    await post(
      '/log',
      JSON.stringify({
        password: 'hunter2',
        refreshToken: 'r3fr3sh',
        payment: { cardNumber: '4242424242424242', cvc: '123' },
        note: 'card 4000 0000 0000 0002 on file',
      }),
      { authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln', 'x-request-id': 'req-log-1' },
    );
    const line = app.logLines().find((l) => l.req_id === 'req-log-1' && l.msg === 'echo');
    expect(line).toBeDefined();
    const text = JSON.stringify(line);
    for (const secret of ['hunter2', 'r3fr3sh', '4242424242424242', '4000 0000 0000 0002', 'eyJhbGci', '"123"']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('[REDACTED]');
  });
});
