import { randomUUID } from 'node:crypto';
import { topics } from '@shop/contracts';
import bunyan from 'bunyan';
import { eventually, nextYear, type RunningPayments, startPayments } from './support/payments-platform';

// A card that is no test card (so no code path knows it), and one that fails the Luhn check.
const cardNumber = '5555555555554444';
const refusedNumber = '5555555555554445';
// A CVC chosen so that it is no other number a log line carries (the process id is one).
const cvc = String(process.pid) === '8642' ? '8643' : '8642';

const lines: string[] = [];
const responses: string[] = [];
let payments: RunningPayments;

beforeAll(async () => {
  // Not the kit's logger: that one redacts card numbers, and this test must show none is ever handed to it.
  const log = bunyan.createLogger({
    name: 'secrecy',
    level: 'trace',
    streams: [
      { type: 'raw', level: 'trace', stream: { write: (record: object) => lines.push(JSON.stringify(record)) } },
    ],
  });
  payments = await startPayments({ env: { LOG_LEVEL: 'trace' }, log });
});
afterAll(() => payments.stop());

const uuids = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const instants = /\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?Z?/g;
const standaloneCvc = new RegExp(`(?<![0-9A-Za-z])${cvc}(?![0-9A-Za-z])`);

/** What in `text` gives a card away: the number, whole or grouped or all but its last four, or the CVC. */
function leaks(text: string): string[] {
  const found: string[] = [];
  const digitsOnly = text.replace(/[ -]/g, '');
  for (const number of [cardNumber, refusedNumber]) {
    if (digitsOnly.includes(number)) found.push(`card number ${number}`);
    if (digitsOnly.includes(number.slice(0, 12))) found.push(`the first twelve digits of ${number}`);
  }
  if (standaloneCvc.test(text.replace(uuids, '').replace(instants, ''))) found.push('the CVC');
  return found;
}

async function record(response: Response | Promise<Response>): Promise<Response> {
  const res = await response;
  responses.push(await res.clone().text());
  return res;
}

describe('the card number and CVC', () => {
  beforeAll(async () => {
    // Refused cards: the Luhn failure, a bad CVC, an expired card.
    for (const card of [
      { cardNumber: refusedNumber, expMonth: 12, expYear: nextYear(), cvc },
      { cardNumber, expMonth: 12, expYear: nextYear(), cvc: `${cvc}0` },
      { cardNumber, expMonth: 1, expYear: 2001, cvc },
      { cardNumber: `${cardNumber.slice(0, 4)} ${cardNumber.slice(4, 8)} x`, expMonth: 12, expYear: nextYear(), cvc },
    ]) {
      const answer = await payments.vault(card);
      expect(answer.status).toBe(400);
      responses.push(JSON.stringify(answer.body));
    }

    // The whole saga with a good card, spaced as people type it: vaulted, placed, charged, refunded, cancelled.
    const vaulted = await payments.vault({
      cardNumber: '5555 5555 5555 4444',
      expMonth: 12,
      expYear: nextYear(),
      cvc,
    });
    expect(vaulted.status).toBe(201);
    responses.push(JSON.stringify(vaulted.body));
    const orderId = randomUUID();
    const customerId = randomUUID();
    const { paymentMethodId } = vaulted.body as { paymentMethodId: string };
    await payments.placed({ orderId, customerId, total: { amount: 3100, currency: 'EUR' }, paymentMethodId });
    await payments.reserved(orderId);
    const payment = await payments.paymentIn(orderId, 'captured');
    const token = payments.tokens.admin;
    await record(payments.refund(payment.id, { amount: 100, currency: 'EUR' }, { 'Idempotency-Key': randomUUID() }));
    await payments.orderEnded(topics.orderCancelled, orderId, customerId);
    await payments.paymentIn(orderId, 'refunded');
    await record(payments.request('GET', `/api/payments?orderId=${orderId}`, { token }));
    await record(payments.request('GET', `/api/payments/${payment.id}`, { token }));
    await record(
      payments.request('GET', `/api/payments/${payment.id}`, { token: payments.tokens.customer(customerId) }),
    );
    await eventually(() => expect(payments.envelopes(topics.paymentRefunded).length).toBeGreaterThanOrEqual(2));
    await payments.platform.bus.drain();
  });

  it('are in no row of any table, the gateway vault included', async () => {
    const rows = await payments.everyRow();
    const cells = Object.entries(rows).flatMap(([table, tableRows]) =>
      tableRows.flatMap((row) => Object.entries(row).map(([column, value]) => ({ at: `${table}.${column}`, value }))),
    );
    const found = cells.flatMap(({ at, value }) => leaks(String(value)).map((leak) => `${leak} in ${at}`));
    expect(found).toEqual([]);
    // What is kept is there: the scan did read the vault, the payments and the events.
    expect(Object.keys(rows)).toEqual(
      expect.arrayContaining([
        'payments.sqlite:payments',
        'payments.sqlite:outbox_events',
        'payments.sqlite:inbox_events',
        'payments.sqlite:idempotency_keys',
        'payments-gateway.sqlite:gateway_payment_methods',
        'payments-gateway.sqlite:gateway_charges',
      ]),
    );
    expect(rows['payments-gateway.sqlite:gateway_payment_methods']).toContainEqual(
      expect.objectContaining({ last4: '4444', brand: 'mastercard' }),
    );
  });

  it('are in no log line, at trace level with every query and its parameters', async () => {
    expect(lines.length).toBeGreaterThan(100);
    expect(lines.some((line) => line.includes('gateway_payment_methods'))).toBe(true);
    expect(lines.flatMap((line) => leaks(line))).toEqual([]);
  });

  it('are in no response, refusals included', async () => {
    expect(responses.length).toBeGreaterThanOrEqual(8);
    expect(responses.flatMap((response) => leaks(response))).toEqual([]);
  });

  it('are in no event', async () => {
    const events = payments.allEvents();
    expect(events.map((event) => event.type)).toEqual(
      expect.arrayContaining([topics.paymentSucceeded, topics.paymentRefunded]),
    );
    expect(events.flatMap((event) => leaks(JSON.stringify(event)))).toEqual([]);
    expect(events.find((event) => event.type === topics.paymentSucceeded)?.data).toEqual(
      expect.objectContaining({ cardLast4: '4444' }),
    );
  });
});
