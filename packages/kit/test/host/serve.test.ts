import { connect } from 'node:net';
import Router from '@koa/router';
import { rawExchange } from '@shop/testkit/src/raw-http';
import { createHttpApp } from '../../src/host/http-app';
import { serve } from '../../src/host/serve';
import type { HealthState } from '../../src/http/health';
import { createMetricsRegistry } from '../../src/http/metrics';
import { createLogger } from '../../src/log/logger';

describe('graceful shutdown', () => {
  it('lets an in-flight request finish, refuses new ones, then runs the closers in order', async () => {
    const router = new Router();
    let releaseSlow: () => void = () => {};
    let slowStarted: () => void = () => {};
    const inHandler = new Promise<void>((resolve) => {
      slowStarted = resolve;
    });
    router.get('/slow', async (ctx) => {
      await new Promise<void>((resolve) => {
        releaseSlow = resolve;
        slowStarted();
      });
      ctx.body = { done: true };
    });
    const health: HealthState = { accepting: true };
    const log = createLogger({ name: 'serve-test', level: 'fatal' });
    const closed: string[] = [];
    const app = createHttpApp({
      name: 'test',
      log,
      metrics: createMetricsRegistry(),
      health,
      readiness: () => [],
      routers: [router],
    });
    const running = await serve(app, {
      host: '127.0.0.1',
      port: 0,
      log,
      health,
      graceMs: 5_000,
      handleSignals: false,
      closers: [
        async () => {
          closed.push('relay');
        },
        async () => {
          closed.push('database');
        },
      ],
    });
    const url = `http://127.0.0.1:${running.port}`;
    const inFlight = fetch(`${url}/slow`);
    // In flight means in the handler: a socket whose request has not arrived yet is idle, and shutdown closes it
    // (the first fetch of a process can take longer than any fixed wait to load its client).
    await inHandler;
    const shutdown = running.shutdown();
    expect(health.accepting).toBe(false);
    await new Promise((r) => setTimeout(r, 100));
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    releaseSlow();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ done: true });
    await shutdown;
    expect(closed).toEqual(['relay', 'database']);
  });
});

describe('requests Node refuses before the app sees them', () => {
  let running: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    const router = new Router();
    router.get('/ping', (ctx) => {
      ctx.body = { pong: true };
    });
    const health: HealthState = { accepting: true };
    const log = createLogger({ name: 'serve-test', level: 'fatal' });
    const app = createHttpApp({
      name: 'test',
      log,
      metrics: createMetricsRegistry(),
      health,
      readiness: () => [],
      routers: [router],
    });
    running = await serve(app, {
      host: '127.0.0.1',
      port: 0,
      log,
      health,
      graceMs: 1_000,
      handleSignals: false,
      closers: [],
    });
  });
  afterAll(() => running.shutdown());

  const exchange = async (request: string) => {
    const answer = await rawExchange(`http://127.0.0.1:${running.port}`, request);
    return { ...answer, body: answer.body ? JSON.parse(answer.body) : undefined };
  };

  it('answers an oversized header with a 431 problem document', async () => {
    const response = await exchange(`GET /ping HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(response.status).toBe(431);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(response.body).toMatchObject({ status: 431, title: 'Request Header Fields Too Large' });
  });

  it.each([
    ['a malformed request line', 'GARBAGE\r\n\r\n'],
    ['a header without a colon', 'GET /ping HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n'],
    ['a bad chunked body', 'POST /ping HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'],
    ['a NUL in the request line', 'GET /p\u0000ing HTTP/1.1\r\nHost: x\r\n\r\n'],
  ])('answers %s with a 400 problem document and keeps serving', async (_name, request) => {
    const response = await exchange(request);
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(response.body).toMatchObject({ status: 400, title: 'Bad Request' });
    const ok = await fetch(`http://127.0.0.1:${running.port}/ping`);
    expect(ok.status).toBe(200);
  });

  it('survives a client that resets mid-request', async () => {
    await new Promise<void>((resolve) => {
      const socket = connect(running.port, '127.0.0.1', () => {
        socket.write(`GET /ping HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}`);
        socket.resetAndDestroy();
        resolve();
      });
    });
    await new Promise((r) => setTimeout(r, 50));
    expect((await fetch(`http://127.0.0.1:${running.port}/ping`)).status).toBe(200);
  });
});
