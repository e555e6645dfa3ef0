import type { DataSource } from 'typeorm';
import { hashRequest, runIdempotent, type StoredResponse, type Tx } from '../../src/data';
import { describeIdempotencyExpiry } from './support/idempotency-expiry';
import { newWidget, openWidgets, WidgetEntity } from './support/widgets';

describe('SQLite', () => {
  const open: DataSource[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((db) => db.destroy()));
  });
  describeIdempotencyExpiry(async (settings) => {
    const db = await openWidgets('sqlite::memory:', settings);
    open.push(db);
    return db;
  });
});

describe('request fingerprints', () => {
  const order = (cardNumber: string, cvc: string, expYear = 2030) => ({
    method: 'POST',
    path: '/api/orders',
    body: { items: [{ productId: 'p', quantity: 1 }], payment: { cardNumber, expMonth: 12, expYear, cvc } },
  });

  it('hashes neither the card number nor the CVC: another number or CVC with the same last four digits is the same request', () => {
    expect(hashRequest(order('4242424242424242', '123'))).toBe(hashRequest(order('4000056655664242', '999')));
    expect(hashRequest(order('4242 4242 4242 4242', '123'))).toBe(hashRequest(order('4242424242424242', '123')));
  });

  it('tells a card with other last four digits or another expiry apart', () => {
    const first = hashRequest(order('4242424242424242', '123'));
    expect(hashRequest(order('4000000000000002', '123'))).not.toBe(first);
    expect(hashRequest(order('4242424242424242', '123', 2031))).not.toBe(first);
  });
});

describe('runIdempotent (SQLite)', () => {
  let db: DataSource;
  let executions: number;
  beforeEach(async () => {
    db = await openWidgets('sqlite::memory:');
    executions = 0;
  });
  afterEach(() => db.destroy());

  const createWidget =
    (name: string) =>
    async (tx: Tx): Promise<StoredResponse> => {
      executions++;
      const widget = newWidget(name);
      await new Promise((resolve) => setTimeout(resolve, 2));
      await tx.manager.insert(WidgetEntity, widget);
      return { status: 201, body: widget };
    };
  const post = (key: string, body: { name: string }) =>
    runIdempotent(db, { scope: 'widgets:create', key, requestHash: hashRequest(body) }, createWidget(body.name));

  it('replays the first response for a retry with the same key and body', async () => {
    const first = await post('key-1', { name: 'gear' });
    expect(first).toMatchObject({ outcome: 'executed', response: { status: 201 } });
    const retry = await post('key-1', { name: 'gear' });
    expect(retry).toEqual({ outcome: 'replayed', response: first.outcome === 'executed' ? first.response : null });
    expect(executions).toBe(1);
    expect(await db.manager.count(WidgetEntity)).toBe(1);
  });

  it('answers a conflict when the key comes back with a different body', async () => {
    await post('key-2', { name: 'gear' });
    expect(await post('key-2', { name: 'cog' })).toEqual({ outcome: 'conflict', reason: 'different-request' });
    expect(executions).toBe(1);
  });

  it('executes concurrent requests with the same key once; the others replay', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => post('key-3', { name: 'gear' })));
    expect(results.filter((result) => result.outcome === 'executed')).toHaveLength(1);
    expect(results.filter((result) => result.outcome === 'replayed')).toHaveLength(9);
    expect(executions).toBe(1);
    expect(await db.manager.count(WidgetEntity)).toBe(1);
  });

  it('keeps scopes apart', async () => {
    await post('key-4', { name: 'gear' });
    const other = await runIdempotent(
      db,
      { scope: 'widgets:rename', key: 'key-4', requestHash: hashRequest({ name: 'gear' }) },
      createWidget('gear'),
    );
    expect(other.outcome).toBe('executed');
  });

  it('stores and replays a business failure, with its effect rolled back', async () => {
    const refuse = async (tx: Tx): Promise<StoredResponse> => {
      executions++;
      await tx.manager.insert(WidgetEntity, newWidget());
      return tx.rollbackWith({ status: 409, body: { title: 'Out of stock' } });
    };
    const request = { scope: 'widgets:create', key: 'key-5', requestHash: hashRequest({ name: 'gear' }) };
    const failure = { status: 409, body: { title: 'Out of stock' } };
    expect(await runIdempotent(db, request, refuse)).toEqual({ outcome: 'executed', response: failure });
    expect(await runIdempotent(db, request, refuse)).toEqual({ outcome: 'replayed', response: failure });
    expect(executions).toBe(1);
    expect(await db.manager.count(WidgetEntity)).toBe(0);
  });

  it('stores nothing when the request throws, so a retry executes it', async () => {
    const request = { scope: 'widgets:create', key: 'key-6', requestHash: hashRequest({ name: 'gear' }) };
    await expect(
      runIdempotent(db, request, async () => {
        throw new Error('database hiccup');
      }),
    ).rejects.toThrow('database hiccup');
    expect((await runIdempotent(db, request, createWidget('gear'))).outcome).toBe('executed');
  });

  it('hashes request bodies canonically', () => {
    expect(hashRequest({ b: 1, a: { y: [1, { d: 2, c: 3 }], x: null } })).toBe(
      hashRequest({ a: { x: null, y: [1, { c: 3, d: 2 }] }, b: 1 }),
    );
    expect(hashRequest({ a: 1 })).not.toBe(hashRequest({ a: '1' }));
    expect(hashRequest([1, 2])).not.toBe(hashRequest([2, 1]));
    expect(hashRequest({ a: 1 })).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses keys longer than Stripe allows', async () => {
    await expect(post('k'.repeat(256), { name: 'gear' })).rejects.toThrow(/Idempotency-Key must be 1-255/);
  });
});
