import { PassThrough } from 'node:stream';
import Router from '@koa/router';
import { type Listening, listen } from '@shop/testkit/src/listen';
import { createHttpApp } from '../../src/host/http-app';
import { createMetricsRegistry } from '../../src/http/metrics';
import { answerReadyReads, type ReadyAnswer, type ReadyRead } from '../../src/http/ready-reads';
import { createLogger } from '../../src/log/logger';

const widgets = new Map<string, ReadyAnswer>([['w1', { json: '{"id":"w1","name":"Widget"}', etag: '"7"' }]]);

async function serve(options: { level?: 'info' | 'debug'; answer?: ReadyRead['answer'] } = {}) {
  const logStream = new PassThrough();
  const lines: string[] = [];
  logStream.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  const log = createLogger({ name: 'test', level: options.level ?? 'info', stream: logStream });
  let pipelineAnswers = 0;
  const router = new Router();
  router.get('/widgets/:id', (ctx) => {
    pipelineAnswers++;
    const widget = widgets.get(ctx.params.id ?? '');
    if (!widget) return;
    ctx.set('ETag', widget.etag);
    ctx.type = 'application/json';
    ctx.body = widget.json;
  });
  const metrics = createMetricsRegistry();
  const app = createHttpApp({
    name: 'test',
    log,
    metrics,
    health: { accepting: true },
    readiness: () => [],
    routers: [router],
  });
  const read: ReadyRead = {
    route: '/widgets/:id',
    keyOf: (path) => /^\/widgets\/(w\d+)$/.exec(path)?.[1],
    answer: options.answer ?? (async (id) => widgets.get(id)),
  };
  const server: Listening = await listen(answerReadyReads([read], app.callback(), { service: 'test', log, metrics }));
  return { server, metrics, pipelineAnswers: () => pipelineAnswers, logLines: () => lines };
}

let running: Awaited<ReturnType<typeof serve>> | undefined;
afterEach(async () => {
  await running?.server.close();
  running = undefined;
});

describe('ready reads', () => {
  it('answers a ready GET without running the pipeline, with its ETag, ids and a 304 on a match', async () => {
    running = await serve();
    const res = await fetch(`${running.server.url}/widgets/w1?x=1`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"id":"w1","name":"Widget"}');
    expect(res.headers.get('etag')).toBe('"7"');
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('traceparent')).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const notModified = await fetch(`${running.server.url}/widgets/w1`, { headers: { 'if-none-match': 'W/"7"' } });
    expect(notModified.status).toBe(304);
    expect(running.pipelineAnswers()).toBe(0);
  });

  it('sends misses, other methods, credentials and other paths the full way', async () => {
    running = await serve();
    const { url } = running.server;
    expect((await fetch(`${url}/widgets/w2`)).status).toBe(404);
    expect((await fetch(`${url}/widgets/w1`, { method: 'HEAD' })).status).toBe(200);
    expect((await fetch(`${url}/widgets/w1`, { headers: { authorization: 'Bearer x' } })).status).toBe(200);
    expect((await fetch(`${url}/widgets/w1/`)).status).toBe(200);
    expect(running.pipelineAnswers()).toBe(4);
  });

  it('goes the full way when its answer fails, and says so in the log', async () => {
    running = await serve({ answer: async () => Promise.reject(new Error('state store down')) });
    const res = await fetch(`${running.server.url}/widgets/w1`);
    expect(res.status).toBe(200);
    expect(running.pipelineAnswers()).toBe(1);
    expect(running.logLines().some((line) => line.includes('ready read failed'))).toBe(true);
  });

  it('writes the request line the pipeline would, with the ids it answered with, and stays on its fast path', async () => {
    running = await serve({ level: 'info' });
    const res = await fetch(`${running.server.url}/widgets/w1?token=query-secret`);
    expect(res.status).toBe(200);
    expect(running.pipelineAnswers()).toBe(0);
    for (let waited = 0; running.logLines().length === 0 && waited < 1_000; waited += 5) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const [traceId, spanId] = (res.headers.get('traceparent') ?? '').split('-').slice(1, 3);
    const lines = running.logLines().map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 30,
        msg: 'request',
        method: 'GET',
        route: '/widgets/:id',
        status: 200,
        duration_ms: expect.any(Number),
        req_id: res.headers.get('x-request-id'),
        trace_id: traceId,
        span_id: spanId,
      }),
    ]);
    expect(running.logLines().join('\n')).not.toContain('query-secret');
  });

  it('records its answers in the same request histogram as the pipeline', async () => {
    running = await serve();
    await fetch(`${running.server.url}/widgets/w1`);
    await fetch(`${running.server.url}/widgets/w1`, { headers: { 'if-none-match': '"7"' } });
    await fetch(`${running.server.url}/widgets/w2`);
    const text = await running.metrics.metrics();
    const series = (status: number) =>
      `http_server_request_duration_seconds_count{service="test",method="GET",route="/widgets/:id",status="${status}"}`;
    expect(text).toContain(`${series(200)} 1`);
    expect(text).toContain(`${series(304)} 1`);
    expect(text).toContain(`${series(404)} 1`);
  });
});
