import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDataSource } from '@shop/kit';
import type { DataSource } from 'typeorm';
import { simulatedGatewayEntities } from '../src/infrastructure/simulated-gateway/entities';
import { simulatedGatewayDatabaseUrl } from '../src/infrastructure/simulated-gateway/gateway-database';
import { simulatedGatewayMigrations } from '../src/infrastructure/simulated-gateway/migrations';
import { SimulatedCardGateway } from '../src/infrastructure/simulated-gateway/simulated-card-gateway';

const ttlSeconds = 3_600;
let dataSource: DataSource;
let gateway: SimulatedCardGateway;
let now: Date;

beforeAll(async () => {
  dataSource = createDataSource(`sqlite:${join(mkdtempSync(join(tmpdir(), 'gateway-')), 'gateway.sqlite')}`, {
    entities: simulatedGatewayEntities,
    migrations: simulatedGatewayMigrations,
  });
  await dataSource.initialize();
  gateway = new SimulatedCardGateway({ dataSource, clock: { now: () => now }, paymentMethodTtlSeconds: ttlSeconds });
});
afterAll(() => dataSource.destroy());
beforeEach(() => {
  now = new Date('2030-06-15T12:00:00Z');
});

const eur = (amount: number) => ({ amount, currency: 'EUR' });
let keys = 0;
const key = () => `key-${++keys}`;

async function vault(cardNumber = '4242424242424242', expiry = { expMonth: 12, expYear: 2031 }) {
  const result = await gateway.tokenize({ cardNumber, ...expiry, cvc: '123' });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.card.paymentMethodId;
}

async function captured(amount = 1000) {
  const authorization = await gateway.authorize({
    idempotencyKey: key(),
    paymentMethodId: await vault(),
    amount: eur(amount),
  });
  if (!authorization.ok) throw new Error(authorization.reason);
  const capture = await gateway.capture({ authorizationId: authorization.authorizationId, amount: eur(amount) });
  if (!capture.ok) throw new Error(capture.reason);
  return capture.captureId;
}

describe('the simulated card gateway', () => {
  it('refuses a token an hour after it was issued, and forgets it at the next purge', async () => {
    const paymentMethodId = await vault();
    now = new Date(now.getTime() + ttlSeconds * 1000 - 1);
    expect(await gateway.describe(paymentMethodId)).toEqual({
      brand: 'visa',
      last4: '4242',
      expMonth: 12,
      expYear: 2031,
    });
    now = new Date(now.getTime() + 1);
    expect(await gateway.describe(paymentMethodId)).toBeNull();
    expect(await gateway.authorize({ idempotencyKey: key(), paymentMethodId, amount: eur(100) })).toEqual({
      ok: false,
      reason: 'payment-method-expired',
    });
    expect(await gateway.purgeExpiredPaymentMethods()).toBeGreaterThanOrEqual(1);
    expect(await dataSource.query('SELECT id FROM gateway_payment_methods WHERE id = ?', [paymentMethodId])).toEqual(
      [],
    );
  });

  it('declines a card that expired between vaulting and charging', async () => {
    now = new Date('2030-06-30T23:30:00Z');
    const paymentMethodId = await vault('4242424242424242', { expMonth: 6, expYear: 2030 });
    now = new Date('2030-07-01T00:00:00Z');
    expect(await gateway.authorize({ idempotencyKey: key(), paymentMethodId, amount: eur(100) })).toEqual({
      ok: false,
      reason: 'expired-card',
    });
  });

  it('answers a repeated authorization with the first one, declines included', async () => {
    const paymentMethodId = await vault();
    const request = { idempotencyKey: key(), paymentMethodId, amount: eur(500) };
    const [first, second, third] = await Promise.all([
      gateway.authorize(request),
      gateway.authorize(request),
      gateway.authorize(request),
    ]);
    expect(first).toEqual(expect.objectContaining({ ok: true, card: { brand: 'visa', last4: '4242' } }));
    expect(second).toEqual(first);
    expect(third).toEqual(first);
    await expect(gateway.authorize({ ...request, amount: eur(501) })).rejects.toThrow(/another amount/);

    const declined = { idempotencyKey: key(), paymentMethodId: await vault('4000000000000002'), amount: eur(500) };
    expect(await gateway.authorize(declined)).toEqual({ ok: false, reason: 'card-declined' });
    expect(await gateway.authorize(declined)).toEqual({ ok: false, reason: 'card-declined' });
  });

  it('captures an authorization once, in full, and never a voided one', async () => {
    const paymentMethodId = await vault();
    const authorization = await gateway.authorize({ idempotencyKey: key(), paymentMethodId, amount: eur(700) });
    if (!authorization.ok) throw new Error('declined');
    const { authorizationId } = authorization;
    expect(await gateway.capture({ authorizationId, amount: eur(699) })).toEqual({
      ok: false,
      reason: 'not-capturable',
    });
    const first = await gateway.capture({ authorizationId, amount: eur(700) });
    expect(first).toEqual({ ok: true, captureId: authorizationId });
    expect(await gateway.capture({ authorizationId, amount: eur(700) })).toEqual(first);

    const voidedKey = key();
    const other = await gateway.authorize({ idempotencyKey: voidedKey, paymentMethodId, amount: eur(700) });
    if (!other.ok) throw new Error('declined');
    expect(await gateway.void({ idempotencyKey: voidedKey })).toEqual({ ok: true });
    expect(await gateway.void({ idempotencyKey: voidedKey })).toEqual({ ok: true });
    expect(await gateway.capture({ authorizationId: other.authorizationId, amount: eur(700) })).toEqual({
      ok: false,
      reason: 'not-capturable',
    });
  });

  it('voids nothing under an unknown key, and refuses to void a capture', async () => {
    expect(await gateway.void({ idempotencyKey: key() })).toEqual({ ok: true });
    const capturedKey = key();
    const authorization = await gateway.authorize({
      idempotencyKey: capturedKey,
      paymentMethodId: await vault(),
      amount: eur(5),
    });
    if (!authorization.ok) throw new Error('declined');
    await gateway.capture({ authorizationId: authorization.authorizationId, amount: eur(5) });
    expect(await gateway.void({ idempotencyKey: capturedKey })).toEqual({
      ok: false,
      reason: 'captured',
      authorizationId: authorization.authorizationId,
      captureId: authorization.authorizationId,
    });
  });

  it('refunds in parts up to the captured amount, once per key', async () => {
    const captureId = await captured(1000);
    const first = key();
    const refund = await gateway.refund({ idempotencyKey: first, captureId, amount: eur(600) });
    expect(refund).toEqual({ ok: true, gatewayRefundId: expect.any(String) });
    expect(await gateway.refund({ idempotencyKey: first, captureId, amount: eur(600) })).toEqual(refund);
    expect(await gateway.refund({ idempotencyKey: first, captureId, amount: eur(300) })).toEqual({
      ok: false,
      reason: 'idempotency-key-reused',
    });
    expect(await gateway.refund({ idempotencyKey: key(), captureId, amount: eur(401) })).toEqual({
      ok: false,
      reason: 'exceeds-captured',
    });
    expect(await gateway.refund({ idempotencyKey: key(), captureId, amount: { amount: 1, currency: 'USD' } })).toEqual({
      ok: false,
      reason: 'currency-mismatch',
    });
    expect((await gateway.refund({ idempotencyKey: key(), captureId, amount: eur(400) })).ok).toBe(true);
    const [{ refunded }] = await dataSource.query(
      'SELECT refunded_amount AS refunded FROM gateway_charges WHERE id = ?',
      [captureId],
    );
    expect(refunded).toBe(1000);
  });

  it('refunds nothing of an authorization that was never captured', async () => {
    const authorization = await gateway.authorize({
      idempotencyKey: key(),
      paymentMethodId: await vault(),
      amount: eur(5),
    });
    if (!authorization.ok) throw new Error('declined');
    expect(
      await gateway.refund({ idempotencyKey: key(), captureId: authorization.authorizationId, amount: eur(5) }),
    ).toEqual({ ok: false, reason: 'not-captured' });
  });
});

describe('where the simulated gateway keeps its ledger by default', () => {
  it('is a SQLite file of its own beside the payments one, or the same server database', () => {
    expect(simulatedGatewayDatabaseUrl('sqlite:/data/payments.sqlite')).toBe('sqlite:/data/payments-gateway.sqlite');
    expect(simulatedGatewayDatabaseUrl('sqlite:payments')).toBe('sqlite:payments-gateway');
    expect(simulatedGatewayDatabaseUrl('sqlite::memory:')).toBe('sqlite::memory:');
    expect(simulatedGatewayDatabaseUrl('postgres://u:p@db:5432/payments')).toBe('postgres://u:p@db:5432/payments');
  });
});
