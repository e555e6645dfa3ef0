import { randomUUID } from 'node:crypto';
import Router from '@koa/router';
import type { EventEnvelope } from '@shop/contracts';
import { deadLetterTopicFor } from '../../src/mesh/dapr-app-routes';
import {
  type DeliveryOutcome,
  EtagMismatchError,
  InvokeTimeoutError,
  type Mesh,
  type Subscription,
} from '../../src/mesh/port';

/** An app the contract runs against an adapter: its subscriptions and the routes other apps invoke. */
export interface ContractApp {
  appId: string;
  subscriptions: Subscription[];
  routes: Router;
}

export interface RunningMeshes {
  meshOf(appId: string): Mesh;
  stop(): Promise<void>;
}

export interface MeshContractOptions {
  /** Starts the apps on the adapter under test (sidecars, servers, a bus: whatever it needs). */
  start(apps: ContractApp[]): Promise<RunningMeshes>;
  /** Handler attempts before an event goes to the dead letter (the retry policy of the adapter's set-up). */
  deliveryAttempts: number;
  /** Calls the callee gets when it keeps answering 5xx (1 + the app retry policy's retries). */
  invokeAttemptsOn5xx: number;
  /** The longest a delivery, retries and dead letter included, may take. */
  deliveryTimeoutMs: number;
  /** How long to keep watching for duplicate deliveries once the expected ones arrived. */
  quietPeriodMs: number;
  startTimeoutMs?: number;
}

const topics = {
  broadcast: 'contract.broadcast',
  flaky: 'contract.flaky',
  poison: 'contract.poison',
  drop: 'contract.drop',
} as const;
const flakyFailures = 2;

interface Received {
  topic: string;
  event: EventEnvelope;
}

/** What an app's handlers saw: every attempt, and the events they accepted. */
class Inbox {
  readonly accepted: Received[] = [];
  private readonly attempts = new Map<string, number>();

  subscription(topic: string, answer: (attempt: number) => DeliveryOutcome | 'throw'): Subscription {
    return {
      topic,
      handle: async (event) => {
        const key = `${topic}/${event.id}`;
        const attempt = (this.attempts.get(key) ?? 0) + 1;
        this.attempts.set(key, attempt);
        const outcome = answer(attempt);
        if (outcome === 'throw') throw new Error(`handler for ${topic} failed on attempt ${attempt}`);
        if (outcome === 'success') this.accepted.push({ topic, event });
        return outcome;
      },
    };
  }

  attemptsAt(topic: string, eventId: string): number {
    return this.attempts.get(`${topic}/${eventId}`) ?? 0;
  }

  acceptedIds(topic: string): string[] {
    return this.accepted.filter((r) => r.topic === topic).map((r) => r.event.id);
  }
}

function contractApps() {
  const inboxes = { alpha: new Inbox(), beta: new Inbox() };
  const calls = { broken: 0 };

  const betaRoutes = new Router();
  betaRoutes.get('/things/:id', (ctx) => {
    ctx.set('x-thing-version', '7');
    ctx.body = { id: ctx.params.id, caller: ctx.get('dapr-caller-app-id') };
  });
  betaRoutes.post('/things', (ctx) => {
    ctx.status = 201;
    ctx.set('location', '/things/new');
    ctx.body = { created: ctx.request.body, header: ctx.get('x-request-note') };
  });
  betaRoutes.get('/missing', (ctx) => {
    ctx.status = 404;
    ctx.set('x-reason', 'gone');
    ctx.body = { error: 'no such thing' };
  });
  betaRoutes.get('/broken', (ctx) => {
    calls.broken++;
    ctx.status = 500;
    ctx.body = { error: 'broken' };
  });
  betaRoutes.get('/slow', async (ctx) => {
    await sleep(1_500);
    ctx.body = { late: true };
  });
  betaRoutes.get('/plain', (ctx) => {
    ctx.type = 'text/plain';
    ctx.body = 'plain words';
  });

  const apps: ContractApp[] = [
    {
      appId: 'alpha',
      subscriptions: [inboxes.alpha.subscription(topics.broadcast, () => 'success')],
      routes: new Router(),
    },
    {
      appId: 'beta',
      subscriptions: [
        inboxes.beta.subscription(topics.broadcast, () => 'success'),
        // Both ways of failing: a throw, then an explicit 'retry'.
        inboxes.beta.subscription(topics.flaky, (attempt) =>
          attempt > flakyFailures ? 'success' : attempt === 1 ? 'throw' : 'retry',
        ),
        inboxes.beta.subscription(topics.poison, () => 'throw'),
        inboxes.beta.subscription(topics.drop, () => 'drop'),
        inboxes.beta.subscription(deadLetterTopicFor('beta'), () => 'success'),
      ],
      routes: betaRoutes,
    },
  ];
  return { apps, inboxes, calls };
}

function anEvent(data: unknown = { note: 'contract' }): EventEnvelope {
  return { id: randomUUID(), type: 'contract.tested', occurredAt: new Date().toISOString(), data };
}

async function eventually(what: string, timeoutMs: number, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await sleep(25);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The behaviour both mesh adapters promise (the Mesh port), run against one of them. */
export function meshContract(adapterName: string, options: MeshContractOptions): void {
  describe(`the ${adapterName} mesh`, () => {
    const { apps, inboxes, calls } = contractApps();
    let running: RunningMeshes | undefined;
    const mesh = (appId: 'alpha' | 'beta') => {
      if (!running) throw new Error('the meshes did not start');
      return running.meshOf(appId);
    };
    const within = options.deliveryTimeoutMs;

    beforeAll(async () => {
      running = await options.start(apps);
    }, options.startTimeoutMs ?? 60_000);

    afterAll(async () => {
      await running?.stop();
    }, 30_000);

    describe('invoke', () => {
      it("answers with the called app's status, headers and JSON body", async () => {
        const response = await mesh('alpha').invoke('beta', '/things/42');
        expect(response.status).toBe(200);
        expect(response.headers['x-thing-version']).toBe('7');
        expect(response.headers['content-type']).toMatch(/^application\/json/);
        expect(response.body).toEqual({ id: '42', caller: 'alpha' });
      });

      it('sends a JSON body and headers and returns what the called app created', async () => {
        const response = await mesh('alpha').invoke('beta', 'things', {
          method: 'POST',
          body: { name: 'lamp', priceMinor: 1999 },
          headers: { 'x-request-note': 'from alpha' },
        });
        expect(response.status).toBe(201);
        expect(response.headers.location).toBe('/things/new');
        expect(response.body).toEqual({ created: { name: 'lamp', priceMinor: 1999 }, header: 'from alpha' });
      });

      it('passes a 404 from the called app back unchanged', async () => {
        const response = await mesh('alpha').invoke('beta', '/missing');
        expect(response.status).toBe(404);
        expect(response.headers['x-reason']).toBe('gone');
        expect(response.body).toEqual({ error: 'no such thing' });
      });

      it('passes a 500 from the called app back after retrying it', async () => {
        const before = calls.broken;
        const response = await mesh('alpha').invoke('beta', '/broken');
        expect(response.status).toBe(500);
        expect(response.body).toEqual({ error: 'broken' });
        expect(calls.broken - before).toBe(options.invokeAttemptsOn5xx);
      });

      it('returns a text answer as text', async () => {
        const response = await mesh('alpha').invoke('beta', '/plain');
        expect(response.body).toBe('plain words');
      });

      it('gives up on a call past its timeoutMs with InvokeTimeoutError, and answers in time within it', async () => {
        const started = Date.now();
        const late = mesh('alpha').invoke('beta', '/slow', { timeoutMs: 200 });
        await expect(late).rejects.toThrow(InvokeTimeoutError);
        await expect(late).rejects.toMatchObject({ appId: 'beta', path: '/slow', timeoutMs: 200 });
        expect(Date.now() - started).toBeLessThan(1_200);
        const answered = await mesh('alpha').invoke('beta', '/things/7', { timeoutMs: 5_000 });
        expect(answered.body).toEqual({ id: '7', caller: 'alpha' });
      });

      it('fails a call to an app that does not exist, naming that app', async () => {
        await expect(mesh('alpha').invoke('nobody-here', '/things/1')).rejects.toThrow(/nobody-here/);
      });
    });

    describe('publish and subscribe', () => {
      it('delivers every event once to each subscribing app', async () => {
        const events = [anEvent({ n: 1 }), anEvent({ n: 2 }), anEvent({ n: 3 })];
        for (const event of events) await mesh('alpha').publish(topics.broadcast, event);
        const ids = events.map((e) => e.id);
        const has = (inbox: Inbox) => ids.every((id) => inbox.acceptedIds(topics.broadcast).includes(id));
        await eventually(
          'alpha and beta both received all events',
          within,
          () => has(inboxes.alpha) && has(inboxes.beta),
        );
        await sleep(options.quietPeriodMs);
        for (const inbox of [inboxes.alpha, inboxes.beta]) {
          const received = inbox.acceptedIds(topics.broadcast).filter((id) => ids.includes(id));
          expect(received.sort()).toEqual([...ids].sort());
        }
        const delivered = inboxes.beta.accepted.find((r) => r.event.id === events[1]?.id)?.event;
        expect(delivered).toEqual(events[1]);
      });

      it('redelivers an event whose handler failed until the handler succeeds', async () => {
        const event = anEvent();
        await mesh('alpha').publish(topics.flaky, event);
        await eventually('beta accepted the flaky event', within, () =>
          inboxes.beta.acceptedIds(topics.flaky).includes(event.id),
        );
        await sleep(options.quietPeriodMs);
        expect(inboxes.beta.attemptsAt(topics.flaky, event.id)).toBe(flakyFailures + 1);
        expect(inboxes.beta.acceptedIds(deadLetterTopicFor('beta'))).not.toContain(event.id);
      });

      it(
        'moves an event that keeps failing to the dead-letter topic of the app that failed it',
        async () => {
          const event = anEvent({ poison: true });
          await mesh('alpha').publish(topics.poison, event);
          await eventually('the poison event reached beta’s dead letter', within, () =>
            inboxes.beta.acceptedIds(deadLetterTopicFor('beta')).includes(event.id),
          );
          expect(inboxes.beta.attemptsAt(topics.poison, event.id)).toBe(options.deliveryAttempts);
          const deadLetter = inboxes.beta.accepted.find(
            (r) => r.topic === deadLetterTopicFor('beta') && r.event.id === event.id,
          );
          expect(deadLetter?.event).toEqual(event);
        },
        within + 10_000,
      );

      it('moves a dropped event to the dead-letter topic without retrying it', async () => {
        const event = anEvent();
        await mesh('alpha').publish(topics.drop, event);
        await eventually('the dropped event reached beta’s dead letter', within, () =>
          inboxes.beta.acceptedIds(deadLetterTopicFor('beta')).includes(event.id),
        );
        await sleep(options.quietPeriodMs);
        expect(inboxes.beta.attemptsAt(topics.drop, event.id)).toBe(1);
      });
    });

    describe('state', () => {
      const aKey = () => `contract:${randomUUID()}`;

      it('saves, reads and deletes an entry', async () => {
        const { state } = mesh('alpha');
        const key = aKey();
        await state.save(key, { items: [{ sku: 'lamp', quantity: 2 }] });
        const entry = await state.get<{ items: unknown[] }>(key);
        expect(entry?.value).toEqual({ items: [{ sku: 'lamp', quantity: 2 }] });
        expect(entry?.etag).toEqual(expect.any(String));
        await state.delete(key);
        expect(await state.get(key)).toBeUndefined();
      });

      it('keeps what was saved: changing the saved object or a read value later changes nothing stored', async () => {
        const { state } = mesh('alpha');
        const key = aKey();
        const saved = { items: [{ sku: 'lamp', quantity: 2 }] };
        await state.save(key, saved);
        saved.items[0] = { sku: 'desk', quantity: 9 };
        const read = await state.get<{ items: Array<{ quantity: number }> }>(key);
        try {
          (read?.value.items[0] as { quantity: number }).quantity = 99; // a frozen value refuses; a copy takes it
        } catch {}
        expect((await state.get(key))?.value).toEqual({ items: [{ sku: 'lamp', quantity: 2 }] });
      });

      it('answers undefined for a key that was never saved', async () => {
        expect(await mesh('alpha').state.get(aKey())).toBeUndefined();
      });

      it("keeps each app's state apart", async () => {
        const key = aKey();
        await mesh('alpha').state.save(key, 'alpha’s');
        expect(await mesh('beta').state.get(key)).toBeUndefined();
        expect((await mesh('alpha').state.get(key))?.value).toBe('alpha’s');
      });

      it('rejects a save with a stale ETag and accepts one with the current ETag', async () => {
        const { state } = mesh('alpha');
        const key = aKey();
        await state.save(key, { version: 1 });
        const first = await state.get(key);
        await state.save(key, { version: 2 }, { etag: first?.etag });
        const second = await state.get(key);
        expect(second?.etag).not.toBe(first?.etag);
        await expect(state.save(key, { version: 3 }, { etag: first?.etag })).rejects.toBeInstanceOf(EtagMismatchError);
        await state.save(key, { version: 3 }, { etag: second?.etag });
        expect((await state.get(key))?.value).toEqual({ version: 3 });
      });

      it('rejects a delete with a stale ETag and keeps the entry', async () => {
        const { state } = mesh('alpha');
        const key = aKey();
        await state.save(key, 'one');
        const stale = await state.get(key);
        await state.save(key, 'two');
        await expect(state.delete(key, { etag: stale?.etag })).rejects.toBeInstanceOf(EtagMismatchError);
        expect((await state.get(key))?.value).toBe('two');
        await state.delete(key, { etag: (await state.get(key))?.etag });
        expect(await state.get(key)).toBeUndefined();
      });

      it('reads many entries in one call, in the order asked, undefined where none is stored', async () => {
        const { state } = mesh('alpha');
        const [one, missing, two] = [aKey(), aKey(), aKey()];
        await state.save(one, { n: 1 });
        await state.save(two, { n: 2 });
        const entries = await state.getBulk<{ n: number }>([two, missing, one]);
        expect(entries.map((entry) => entry?.value)).toEqual([{ n: 2 }, undefined, { n: 1 }]);
        expect(entries[0]?.etag).toBe((await state.get(two))?.etag);
        expect(await state.getBulk([])).toEqual([]);
      });

      it('creates an entry only if absent: a second creator is refused and the first one kept', async () => {
        const { state } = mesh('alpha');
        const key = aKey();
        await state.save(key, 'first', { ifAbsent: true });
        await expect(state.save(key, 'second', { ifAbsent: true })).rejects.toBeInstanceOf(EtagMismatchError);
        const entry = await state.get(key);
        expect(entry?.value).toBe('first');
        // The entry so created takes conditional writes on its version as any other does.
        await state.save(key, 'updated', { etag: entry?.etag });
        await expect(state.save(key, 'late', { ifAbsent: true })).rejects.toBeInstanceOf(EtagMismatchError);
        await state.delete(key);
        await state.save(key, 'again', { ifAbsent: true });
        expect((await state.get(key))?.value).toBe('again');
      });

      it('loses no write when many writers read-modify-write one entry, creating it at once', async () => {
        const { state } = mesh('alpha');
        const key = aKey();
        const writers = 20;
        let retried = 0;
        const addLine = async (line: number) => {
          for (;;) {
            const entry = await state.get<number[]>(key);
            const lines = [...(entry?.value ?? []), line];
            try {
              await state.save(key, lines, entry ? { etag: entry.etag } : { ifAbsent: true });
              return;
            } catch (error) {
              if (!(error instanceof EtagMismatchError)) throw error;
              retried++;
            }
          }
        };
        await Promise.all(Array.from({ length: writers }, (_, line) => addLine(line)));
        const stored = (await state.get<number[]>(key))?.value ?? [];
        expect([...stored].sort((a, b) => a - b)).toEqual(Array.from({ length: writers }, (_, line) => line));
        expect(retried).toBeGreaterThan(0);
      });

      it('forgets an entry once its TTL has passed', async () => {
        const { state } = mesh('alpha');
        const key = aKey();
        await state.save(key, 'short-lived', { ttlSeconds: 1 });
        expect((await state.get(key))?.value).toBe('short-lived');
        await eventually('the entry expired', 4_000, async () => (await state.get(key)) === undefined);
      });
    });
  });
}
