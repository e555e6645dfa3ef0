import { type FixturePlatform, startWithFixtureIdentity } from '@shop/testkit/src/embedded-with-fixture';
import { signToken } from '@shop/testkit/src/jwt-fixture';
import { deadLetterAdminPath } from '../../src/host/dead-letter-admin';
import { ledgerEntry, ledgerFault, ledgerService, ledgerTopic } from './ledger-service';

let fixture: FixturePlatform;
let admin: string;
let customer: string;
const base = () => `${fixture.platform.url}${deadLetterAdminPath('ledger')}`;

beforeAll(async () => {
  fixture = await startWithFixtureIdentity([ledgerService], { name: 'dead-letters' });
  admin = signToken(fixture.key, { roles: ['admin'] }, { subject: 'admin-1' });
  customer = signToken(fixture.key, { roles: ['customer'] }, { subject: 'customer-1' });
  const accounts = ['acme', 'globex', 'initech', 'umbrella', 'hooli'];
  const events = await poisonEntries(...accounts.map((account): [string, number] => [account, account.length * 10]));
  poisoned = Object.fromEntries(
    accounts.map((account, index) => [account, events[index] as ReturnType<typeof ledgerEntry>]),
  );
}, 30_000);
afterAll(() => fixture.stop());
afterEach(() => {
  ledgerFault.broken = false;
});

const asAdmin = (path: string, init: RequestInit = {}) =>
  fetch(`${base()}${path}`, { ...init, headers: { authorization: `Bearer ${admin}` } });

/**
 * Publishes entries while the ledger is broken: every delivery fails and each is dead-lettered. All at once, so the
 * retries' backoff (about 2.5 s) is waited out once.
 */
async function poisonEntries(...entries: Array<[account: string, amount: number]>) {
  ledgerFault.broken = true;
  const events = entries.map(([account, amount]) => ledgerEntry(account, amount));
  for (const event of events) await fixture.platform.bus.meshFor('poster').publish(ledgerTopic, event);
  await fixture.platform.bus.drain();
  ledgerFault.broken = false;
  return events;
}
let poisoned: Record<string, ReturnType<typeof ledgerEntry>>;

async function storedFor(eventId: string) {
  const page = (await (await asAdmin('?limit=100')).json()) as { items: Array<Record<string, unknown>> };
  return page.items.filter((item) => item.eventId === eventId);
}

const balance = async (account: string) =>
  (await (await fetch(`${fixture.platform.url}/api/ledger/${account}`)).json()) as { entries: number; total: number };

async function metric(line: RegExp): Promise<number | undefined> {
  const text = await (await fetch(`${fixture.platform.url}/metrics`)).text();
  const found = text.split('\n').find((row) => line.test(row));
  return found === undefined ? undefined : Number(found.split(' ').at(-1));
}

describe('dead letters (embedded topology)', () => {
  it('stores a poison event with the topic, the event, the error and the attempts, and counts it', async () => {
    const event = poisoned.acme as ReturnType<typeof ledgerEntry>;
    const [stored] = await storedFor(event.id);
    expect(stored).toMatchObject({
      topic: ledgerTopic,
      eventId: event.id,
      eventType: ledgerTopic,
      event,
      status: 'stored',
      attempts: 4,
      resolvedAt: null,
    });
    expect(stored?.error).toContain('the ledger cannot post entries');
    expect(await balance('acme')).toEqual({ entries: 0, total: 0 });
    expect(await metric(/^shop_dead_letters_total\{service="ledger",topic="ledger\.entry-posted"\}/)).toBeGreaterThan(
      0,
    );
    expect(await metric(/^shop_dead_letters_stored\{service="ledger"\}/)).toBeGreaterThan(0);
  });

  it('applies a replayed dead letter once the consumer is fixed, and a second replay not again', async () => {
    const event = poisoned.globex as ReturnType<typeof ledgerEntry>;
    const [stored] = await storedFor(event.id);
    const storedBefore = (await metric(/^shop_dead_letters_stored\{service="ledger"\}/)) ?? 0;

    const first = await asAdmin(`/${stored?.id}/replay`, { method: 'POST' });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({
      applied: true,
      deadLetter: { id: stored?.id, status: 'replayed', resolvedBy: 'admin-1' },
    });
    expect(await balance('globex')).toEqual({ entries: 1, total: 60 });
    expect(await metric(/^shop_dead_letters_stored\{service="ledger"\}/)).toBe(storedBefore - 1);

    // The same event id again: the consumer's inbox has it, so nothing is posted twice.
    const second = await asAdmin(`/${stored?.id}/replay`, { method: 'POST' });
    expect(second.status).toBe(200);
    expect(await second.json()).toMatchObject({ applied: false, deadLetter: { status: 'replayed' } });
    expect(await balance('globex')).toEqual({ entries: 1, total: 60 });
  });

  it('keeps a dead letter stored, with the new reason, when its replay fails again', async () => {
    const event = poisoned.initech as ReturnType<typeof ledgerEntry>;
    const [stored] = await storedFor(event.id);
    ledgerFault.broken = true;
    const res = await asAdmin(`/${stored?.id}/replay`, { method: 'POST' });
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(((await res.json()) as { detail: string }).detail).toContain('the ledger cannot post entries');
    expect(await storedFor(event.id)).toEqual([expect.objectContaining({ status: 'stored', attempts: 5 })]);
  });

  it('discards a dead letter, which is then neither replayed nor discarded differently', async () => {
    const event = poisoned.umbrella as ReturnType<typeof ledgerEntry>;
    const [stored] = await storedFor(event.id);
    const discarded = await asAdmin(`/${stored?.id}`, { method: 'DELETE' });
    expect(discarded.status).toBe(200);
    expect(await discarded.json()).toMatchObject({ status: 'discarded', resolvedBy: 'admin-1' });
    expect((await asAdmin(`/${stored?.id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await asAdmin(`/${stored?.id}/replay`, { method: 'POST' })).status).toBe(409);
    expect(await balance('umbrella')).toEqual({ entries: 0, total: 0 });

    const replayedEvent = poisoned.hooli as ReturnType<typeof ledgerEntry>;
    const [replayed] = await storedFor(replayedEvent.id);
    expect((await asAdmin(`/${replayed?.id}/replay`, { method: 'POST' })).status).toBe(200);
    expect((await asAdmin(`/${replayed?.id}`, { method: 'DELETE' })).status).toBe(409);
  });

  it('lists newest first in pages, filtered by topic and status', async () => {
    type Page = { items: Array<{ id: string; deadLetteredAt: string; status: string }>; nextCursor: string | null };
    const whole = (await (await asAdmin(`?topic=${ledgerTopic}&limit=100`)).json()) as Page;
    expect(whole.items.length).toBeGreaterThanOrEqual(5);
    const paged: Page['items'] = [];
    let cursor: string | null = null;
    do {
      const page = (await (
        await asAdmin(`?topic=${ledgerTopic}&limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      ).json()) as Page;
      expect(page.items.length).toBeLessThanOrEqual(2);
      paged.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged).toEqual(whole.items);
    const times = paged.map((item) => item.deadLetteredAt);
    expect(times).toEqual([...times].sort().reverse());

    const stored = (await (await asAdmin('?status=stored&limit=100')).json()) as Page;
    expect(stored.items.length).toBeGreaterThan(0);
    expect(stored.items.every((item) => item.status === 'stored')).toBe(true);
    expect(stored.items.length).toBeLessThan(whole.items.length);
    expect(((await (await asAdmin('?topic=some.other-topic')).json()) as Page).items).toEqual([]);
  });

  it('answers bad input with a problem naming the field, an unknown id with 404', async () => {
    const problemOf = async (res: Response) => ({
      status: res.status,
      type: res.headers.get('content-type'),
      body: (await res.json()) as { errors?: Array<{ path: string }> },
    });
    const badId = await problemOf(await asAdmin('/not-a-uuid/replay', { method: 'POST' }));
    expect(badId.status).toBe(400);
    expect(badId.type).toMatch(/^application\/problem\+json/);
    expect(badId.body.errors?.map((error) => error.path)).toEqual(['params.id']);
    const badDiscard = await problemOf(await asAdmin('/42', { method: 'DELETE' }));
    expect([badDiscard.status, badDiscard.body.errors?.map((error) => error.path)]).toEqual([400, ['params.id']]);
    const badLimit = await problemOf(await asAdmin('?limit=0'));
    expect([badLimit.status, badLimit.body.errors?.map((error) => error.path)]).toEqual([400, ['query.limit']]);
    const badStatus = await problemOf(await asAdmin('?status=lost'));
    expect([badStatus.status, badStatus.body.errors?.map((error) => error.path)]).toEqual([400, ['query.status']]);
    const badCursor = await problemOf(await asAdmin('?cursor=nonsense'));
    expect([badCursor.status, badCursor.body.errors?.map((error) => error.path)]).toEqual([400, ['query.cursor']]);
    const unknown = '3f2b8c1e-0d4a-4e8f-9b1c-2a3b4c5d6e7f';
    for (const res of [
      await asAdmin(`/${unknown}/replay`, { method: 'POST' }),
      await asAdmin(`/${unknown}`, { method: 'DELETE' }),
    ]) {
      expect([res.status, res.headers.get('content-type')]).toEqual([404, expect.stringMatching(/problem\+json/)]);
    }
  });

  it('is for admins only', async () => {
    expect((await fetch(base())).status).toBe(401);
    expect((await fetch(base(), { headers: { authorization: `Bearer ${customer}` } })).status).toBe(403);
    const replay = await fetch(`${base()}/3f2b8c1e-0d4a-4e8f-9b1c-2a3b4c5d6e7f/replay`, {
      method: 'POST',
      headers: { authorization: `Bearer ${customer}` },
    });
    expect(replay.status).toBe(403);
  });

  it("documents the endpoints in the service's OpenAPI document, for admins", async () => {
    const document = (await (await fetch(`${fixture.platform.url}/openapi/ledger.json`)).json()) as {
      paths: Record<string, Record<string, { 'x-access': string }>>;
    };
    expect(document.paths['/api/ledger/{account}']).toBeDefined();
    expect(document.paths['/api/admin/dead-letters/ledger']?.get?.['x-access']).toBe('admin');
    expect(document.paths['/api/admin/dead-letters/ledger/{id}/replay']?.post?.['x-access']).toBe('admin');
    expect(document.paths['/api/admin/dead-letters/ledger/{id}']?.delete?.['x-access']).toBe('admin');
  });
});
