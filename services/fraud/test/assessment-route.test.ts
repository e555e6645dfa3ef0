import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { daprApiTokenHeader } from '@shop/kit';
import { type FraudApp, startFraudApp } from './support/fraud-app';
import { assessmentRequestFor } from './support/orders';

let app: FraudApp;

beforeAll(async () => {
  app = await startFraudApp(`sqlite:${join(mkdtempSync(join(tmpdir(), 'fraud-')), 'fraud.sqlite')}`);
});
afterAll(() => app.stop());

/** POST /internal/assessments written byte for byte, as the sidecar would deliver a caller's body. */
const post = (body: string, headers: Record<string, string> = { [daprApiTokenHeader]: app.appApiToken }) =>
  app.raw({
    method: 'POST',
    target: '/internal/assessments',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });

const problemOf = (answer: { body: string }) =>
  JSON.parse(answer.body) as { status: number; errors?: Array<{ path: string; message: string }> };

describe('POST /internal/assessments with a bad body', () => {
  it.each([
    ['a negative total', { total: { amount: -1, currency: 'EUR' } }, 'body.total.amount'],
    ['a lowercase currency', { total: { amount: 10, currency: 'eur' } }, 'body.total.currency'],
    ['no lines', { items: [] }, 'body.items'],
    ['a shipping country that is not ISO 3166 alpha-2', { shippingCountry: 'Germany' }, 'body.shippingCountry'],
    ['a card fingerprint with a space', { card: { fingerprint: 'not a fingerprint' } }, 'body.card.fingerprint'],
    ['an order id that is not a UUID', { orderId: '42' }, 'body.orderId'],
    ['a placedAt that is no instant', { placedAt: 'yesterday' }, 'body.placedAt'],
    ['a field the contract does not know', { coupon: 'FREE' }, 'body.coupon'],
  ])('answers 400 problem+json naming the field for %s', async (_, change, path) => {
    const answer = await post(JSON.stringify({ ...assessmentRequestFor(), ...change }));
    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(problemOf(answer).errors?.map((error) => error.path)).toContain(path);
  });

  it('answers 400, not 500, to a body that is not JSON', async () => {
    const answer = await post('{"orderId": ');
    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('names every missing field of an empty object', async () => {
    const answer = await post('{}');
    expect(answer.status).toBe(400);
    expect(problemOf(answer).errors?.map((error) => error.path)).toEqual(
      expect.arrayContaining([
        'body.orderId',
        'body.customerId',
        'body.total',
        'body.items',
        'body.card',
        'body.placedAt',
      ]),
    );
  });

  it('answers 401 to a caller without the sidecar’s token, before reading the body', async () => {
    const answer = await post(JSON.stringify(assessmentRequestFor()), {});
    expect(answer.status).toBe(401);
  });

  it('answers 201 to the same request written well', async () => {
    const answer = await post(JSON.stringify(assessmentRequestFor()));
    expect(answer.status).toBe(201);
  });
});
