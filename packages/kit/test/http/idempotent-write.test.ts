import { randomUUID } from 'node:crypto';
import Router from '@koa/router';
import { json, type Listening, listen } from '@shop/testkit/src/listen';
import type { DataSource } from 'typeorm';
import { createHttpApp } from '../../src/host/http-app';
import { replayIdempotent, respondIdempotently } from '../../src/http/idempotent-write';
import { createMetricsRegistry } from '../../src/http/metrics';
import { createLogger } from '../../src/log/logger';
import { openWidgets, WidgetEntity } from '../data/support/widgets';

let db: DataSource;
let server: Listening;
/** How often the prepared route called its (pretend) remote service. */
let preparations = 0;

beforeAll(async () => {
  db = await openWidgets('sqlite::memory:');
  const router = new Router();
  router.post('/widgets', async (ctx) => {
    await respondIdempotently(ctx, db, 'widgets:create', async (tx) => {
      const widget = { id: randomUUID(), name: (ctx.request.body as { name: string }).name, quantity: 1 };
      await tx.manager.insert(WidgetEntity, widget);
      return { status: 201, body: widget };
    });
  });
  // A write that calls another service first (as order placement does): a retry must not call it again.
  router.post('/prepared-widgets', async (ctx) => {
    if (await replayIdempotent(ctx, db, 'widgets:prepared')) return;
    preparations += 1;
    const name = `${(ctx.request.body as { name: string }).name}-${preparations}`;
    await respondIdempotently(ctx, db, 'widgets:prepared', async (tx) => {
      const widget = { id: randomUUID(), name, quantity: 1 };
      await tx.manager.insert(WidgetEntity, widget);
      return { status: 201, body: widget };
    });
  });
  const app = createHttpApp({
    name: 'test',
    log: createLogger({ name: 'test', level: 'fatal' }),
    metrics: createMetricsRegistry(),
    health: { accepting: true },
    readiness: () => [],
    routers: [router],
  });
  server = await listen(app.callback());
});
afterAll(async () => {
  await server.close();
  await db.destroy();
});

const create = (name: string, key?: string) =>
  fetch(`${server.url}/widgets`, {
    method: 'POST',
    body: JSON.stringify({ name }),
    headers: { 'content-type': 'application/json', ...(key === undefined ? {} : { 'idempotency-key': key }) },
  });

describe('writes with an Idempotency-Key', () => {
  it('replays the first response for the same request and creates nothing twice', async () => {
    const first = await create('gear', 'key-a');
    const second = await create('gear', 'key-a');
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    const created = await json(first);
    expect(await json(second)).toEqual(created);
    expect(await db.manager.countBy(WidgetEntity, { name: 'gear' })).toBe(1);
  });

  it('answers 409 for the same key with a different body', async () => {
    await create('cog', 'key-b');
    const res = await create('sprocket', 'key-b');
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    expect(await db.manager.countBy(WidgetEntity, { name: 'sprocket' })).toBe(0);
  });

  it('runs every request without a key', async () => {
    await create('bolt');
    await create('bolt');
    expect(await db.manager.countBy(WidgetEntity, { name: 'bolt' })).toBe(2);
  });

  it('refuses an oversized key with 400 naming the header', async () => {
    const res = await create('nut', 'k'.repeat(300));
    expect(res.status).toBe(400);
    expect((await json(res)).errors[0].path).toBe('headers.idempotency-key');
  });
});

describe('writes that prepare before their transaction', () => {
  const prepare = (name: string, key: string) =>
    fetch(`${server.url}/prepared-widgets`, {
      method: 'POST',
      body: JSON.stringify({ name }),
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
    });

  it('replay a retry without preparing again', async () => {
    const first = await json(await prepare('axle', 'prep-1'));
    const retry = await prepare('axle', 'prep-1');
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await json(retry)).toEqual(first);
    expect(preparations).toBe(1);
  });

  it('refuse the key for another body before preparing', async () => {
    await prepare('wheel', 'prep-2');
    const before = preparations;
    expect((await prepare('spoke', 'prep-2')).status).toBe(409);
    expect(preparations).toBe(before);
  });
});
