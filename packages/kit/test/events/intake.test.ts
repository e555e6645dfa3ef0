import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { type EventEnvelope, StockChanged, topics } from '@shop/contracts';
import Koa from 'koa';
import inject from 'light-my-request';
import type { DataSource } from 'typeorm';
import { InboxEvent } from '../../src/data';
import { type EventContext, type InboxEventContext, subscribe } from '../../src/events/event-subscription';
import { inboxIntake, statelessIntake } from '../../src/events/intake';
import { createLogger } from '../../src/log/logger';
import { daprAppRoutes, deadLetterTopicFor } from '../../src/mesh/dapr-app-routes';
import { EmbeddedBus } from '../../src/mesh/embedded';
import type { DeliveryOutcome, Subscription } from '../../src/mesh/port';
import { eventually, openWidgets, WidgetEntity } from '../data/support/widgets';

const log = createLogger({ name: 'intake-test', level: 'fatal' });
const service = 'widgets';

/** What the handler is told to do on its next calls, in order; then it applies the change. */
type Behaviour = 'throw' | 'retry' | 'apply';
interface Deps {
  behaviours: Behaviour[];
  calls: number;
  committed: string[];
}

// The handler adds the event's `available` to a widget's quantity: applied twice, the sum shows it.
const stockIntoWidget = subscribe<StockChanged, Deps, InboxEventContext>(StockChanged, async (ctx, event, deps) => {
  deps.calls++;
  const widget = await ctx.tx.manager.findOneByOrFail(WidgetEntity, { id: 'w1' });
  await ctx.tx.manager.update(WidgetEntity, { id: 'w1' }, { quantity: widget.quantity + event.data.available });
  const behaviour = deps.behaviours.shift() ?? 'apply';
  if (behaviour === 'throw') throw new Error('the database went away');
  if (behaviour === 'retry') return 'retry';
  ctx.afterCommit(() => void deps.committed.push(event.id));
  return undefined;
});

function stockChanged(data: Partial<StockChanged> = {}, id = randomUUID()): EventEnvelope<StockChanged> {
  return {
    id,
    type: topics.stockChanged,
    occurredAt: new Date().toISOString(),
    data: {
      productId: randomUUID(),
      onHand: 5,
      reserved: 0,
      available: 5,
      version: 1,
      at: new Date().toISOString(),
      ...data,
    },
  };
}

let db: DataSource;
let deps: Deps;
beforeEach(async () => {
  db = await openWidgets('sqlite::memory:');
  await db.manager.insert(WidgetEntity, { id: 'w1', name: 'sprocket', quantity: 0 });
  deps = { behaviours: [], calls: 0, committed: [] };
});
afterEach(() => db.destroy());

const quantity = async () => (await db.manager.findOneByOrFail(WidgetEntity, { id: 'w1' })).quantity;

/** The intake's subscription, with every outcome it answered the mesh recorded. */
function intakeSubscription(groupCommit = false): {
  subscription: Subscription;
  outcomes: Array<DeliveryOutcome | 'threw'>;
} {
  const [subscription] = inboxIntake([stockIntoWidget], { service, log, dataSource: db, deps, groupCommit });
  if (!subscription) throw new Error('no subscription');
  const outcomes: Array<DeliveryOutcome | 'threw'> = [];
  return {
    outcomes,
    subscription: {
      topic: subscription.topic,
      async handle(event) {
        try {
          const outcome = (await subscription.handle(event)) ?? 'success';
          outcomes.push(outcome);
          return outcome;
        } catch (error) {
          outcomes.push('threw');
          throw error;
        }
      },
    },
  };
}

describe('the event intake on the embedded bus', () => {
  let bus: EmbeddedBus;
  let deadLetters: EventEnvelope[];
  beforeEach(() => {
    bus = new EmbeddedBus({ logger: log, retry: { initialBackoffMs: 5, maxBackoffMs: 10 } });
    deadLetters = [];
  });
  afterEach(() => bus.close());

  function register(subscription: Subscription): void {
    const deadLetter: Subscription = {
      topic: deadLetterTopicFor(service),
      handle: async (event) => void deadLetters.push(event),
    };
    bus.register(service, { subscriptions: [subscription, deadLetter] });
  }

  it('handles a valid event once, however often it is delivered, and records it in the inbox', async () => {
    const { subscription, outcomes } = intakeSubscription();
    register(subscription);
    const event = stockChanged({ available: 3 });
    const publisher = bus.meshFor('inventory');
    await publisher.publish(topics.stockChanged, event);
    await publisher.publish(topics.stockChanged, event);
    await bus.drain();

    expect(outcomes).toEqual(['success', 'success']);
    expect(deps.calls).toBe(1);
    expect(await quantity()).toBe(3);
    expect(deps.committed).toEqual([event.id]);
    expect(await db.manager.findBy(InboxEvent, { eventId: event.id })).toEqual([
      expect.objectContaining({ consumer: 'widgets.inventory.stock-changed' }),
    ]);
  });

  it('drops an event whose payload breaks its contract to the dead letter at once, never calling the handler', async () => {
    const { subscription, outcomes } = intakeSubscription();
    register(subscription);
    // Versions start at 1; and a payload field of the wrong type.
    const badVersion = stockChanged({ version: 0 });
    const badType = { ...stockChanged(), data: { ...stockChanged().data, available: '5' } };
    await bus.meshFor('inventory').publish(topics.stockChanged, badVersion);
    await bus.meshFor('inventory').publish(topics.stockChanged, badType as EventEnvelope);
    await bus.drain();

    expect(outcomes).toEqual(['drop', 'drop']);
    expect(deps.calls).toBe(0);
    expect(deadLetters.map((event) => event.id).sort()).toEqual([badVersion.id, badType.id].sort());
    expect(await db.manager.count(InboxEvent)).toBe(0);
  });

  it('drops an envelope that is not of its topic or has no usable id', async () => {
    const { subscription, outcomes } = intakeSubscription();
    register(subscription);
    await bus.meshFor('inventory').publish(topics.stockChanged, { ...stockChanged(), type: topics.lowStock });
    await bus.meshFor('inventory').publish(topics.stockChanged, { ...stockChanged(), id: '' });
    await bus.drain();
    expect(outcomes).toEqual(['drop', 'drop']);
    expect(deps.calls).toBe(0);
  });

  it('retries a handler that throws, keeping nothing of the failed attempts, until it succeeds', async () => {
    const { subscription, outcomes } = intakeSubscription();
    register(subscription);
    deps.behaviours = ['throw', 'throw'];
    await bus.meshFor('inventory').publish(topics.stockChanged, stockChanged({ available: 4 }));
    await bus.drain();

    expect(outcomes).toEqual(['threw', 'threw', 'success']);
    expect(deps.calls).toBe(3);
    expect(await quantity()).toBe(4);
    expect(deadLetters).toEqual([]);
  });

  it("rolls back a handler that answers 'retry' and delivers the event again", async () => {
    const { subscription, outcomes } = intakeSubscription();
    register(subscription);
    deps.behaviours = ['retry'];
    const event = stockChanged({ available: 2 });
    await bus.meshFor('inventory').publish(topics.stockChanged, event);
    await bus.drain();

    expect(outcomes).toEqual(['retry', 'success']);
    expect(await quantity()).toBe(2);
    expect(deps.committed).toEqual([event.id]);
  });
});

describe('the event intake of an observer (group commit)', () => {
  it('applies events delivered together in shared transactions, each once; a failing one retried alone', async () => {
    const bus = new EmbeddedBus({ logger: log, retry: { initialBackoffMs: 5, maxBackoffMs: 10 } });
    try {
      const { subscription, outcomes } = intakeSubscription(true);
      bus.register(service, { subscriptions: [subscription] });
      // The group's attempt fails, then the first event run alone fails too: that one is retried by the bus.
      deps.behaviours = ['throw', 'throw'];
      const events = Array.from({ length: 6 }, (_, i) => stockChanged({ available: i + 1 }));
      const publisher = bus.meshFor('inventory');
      await Promise.all([...events, events[2] as EventEnvelope].map((e) => publisher.publish(topics.stockChanged, e)));
      await bus.drain();

      // 1 + 2 + … + 6: each applied once, the duplicate and the failed attempt left nothing.
      expect(await quantity()).toBe(21);
      expect([...deps.committed].sort()).toEqual(events.map((e) => e.id).sort());
      expect(await db.manager.count(InboxEvent)).toBe(6);
      expect(outcomes.filter((o) => o === 'success')).toHaveLength(7);
      expect(outcomes.filter((o) => o !== 'success')).toEqual(['threw']);
    } finally {
      await bus.close();
    }
  });
});

describe('the event intake behind the routes daprd calls', () => {
  async function post(app: Koa, event: unknown): Promise<unknown> {
    const answer = await inject(app.callback(), {
      method: 'POST',
      url: `/dapr/events/${topics.stockChanged}`,
      headers: { 'content-type': 'application/cloudevents+json' },
      payload: JSON.stringify({ specversion: '1.0', id: randomUUID(), source: 'inventory', data: event }),
    });
    return answer.json();
  }

  function appOf(subscription: Subscription): Koa {
    const app = new Koa();
    app.use(daprAppRoutes({ appId: service, subscriptions: [subscription], logger: log }).routes());
    return app;
  }

  it('answers as the embedded bus does: handled once, contract breaches dropped, failures retried', async () => {
    const { subscription } = intakeSubscription();
    const app = appOf(subscription);
    const event = stockChanged({ available: 7 });

    expect(await post(app, event)).toEqual({ status: 'SUCCESS' });
    expect(await post(app, event)).toEqual({ status: 'SUCCESS' });
    expect(deps.calls).toBe(1);
    expect(await quantity()).toBe(7);

    expect(await post(app, stockChanged({ onHand: -1 }))).toEqual({ status: 'DROP' });
    expect(deps.calls).toBe(1);

    deps.behaviours = ['throw'];
    const failing = stockChanged({ available: 1 });
    expect(await post(app, failing)).toEqual({ status: 'RETRY' });
    expect(await quantity()).toBe(7);
    expect(await post(app, failing)).toEqual({ status: 'SUCCESS' });
    expect(await quantity()).toBe(8);
  });
});

describe('the intake of a service without a database', () => {
  it('validates and calls the handler with the contract part of the payload only', async () => {
    const seen: StockChanged[] = [];
    const [subscription] = statelessIntake(
      [
        subscribe<StockChanged, StockChanged[], EventContext>(StockChanged, async (_ctx, event, into) => {
          into.push(event.data);
        }),
      ],
      { service, log, deps: seen },
    );
    const event = stockChanged();
    expect(await subscription?.handle({ ...event, data: { ...event.data, addedLater: true } })).toBe('success');
    expect(await subscription?.handle(stockChanged({ productId: 'not-a-uuid' }))).toBe('drop');
    await eventually(() => expect(seen).toEqual([event.data]));
  });
});

describe('the contract check of an event handed to several services in one process', () => {
  // StockChanged's own schema with a rule that counts how often joi ran it (the count is joi's own work) and
  // refuses 13 available, so a refusal can be counted too.
  let validations = 0;
  const countedStockChanged = {
    topic: StockChanged.topic,
    schema: StockChanged.schema.custom((value: StockChanged, helpers) => {
      validations++;
      return value.available === 13 ? helpers.error('any.invalid') : value;
    }),
  };
  const services = ['catalog', 'hub', 'analytics'];

  async function publishToThree(event: EventEnvelope): Promise<{ seen: Map<string, unknown[]>; dropped: string[] }> {
    const bus = new EmbeddedBus({ logger: log, retry: { initialBackoffMs: 5, maxBackoffMs: 10 } });
    const seen = new Map<string, unknown[]>();
    const dropped: string[] = [];
    for (const name of services) {
      seen.set(name, []);
      const intake = statelessIntake(
        [
          subscribe<StockChanged, unknown[], EventContext>(countedStockChanged, async (_ctx, received, into) => {
            into.push(received.data);
          }),
        ],
        { service: name, log, deps: seen.get(name) as unknown[] },
      );
      const deadLetter: Subscription = {
        topic: deadLetterTopicFor(name),
        handle: async () => void dropped.push(name),
      };
      bus.register(name, { subscriptions: [...intake, deadLetter] });
    }
    await bus.meshFor('inventory').publish(topics.stockChanged, event);
    await bus.close();
    return { seen, dropped };
  }

  beforeEach(() => {
    validations = 0;
  });

  it('checks a valid event once for all its subscribers, each getting its own copy of the contract part', async () => {
    const event = stockChanged({ available: 3 });
    const { seen, dropped } = await publishToThree({ ...event, data: { ...event.data, addedLater: true } });
    expect(validations).toBe(1);
    expect(dropped).toEqual([]);
    const copies = services.map((name) => seen.get(name)?.[0]);
    for (const copy of copies) expect(copy).toEqual(event.data);
    // Never one object shared between two services' handlers.
    expect(new Set(copies).size).toBe(services.length);
  });

  it('hands each subscriber its own parse of the event when checking stripped nothing', async () => {
    const event = stockChanged({ available: 4 });
    const { seen } = await publishToThree(event);
    expect(validations).toBe(1);
    const copies = services.map((name) => seen.get(name)?.[0]);
    for (const copy of copies) expect(copy).toEqual(event.data);
    expect(new Set(copies).size).toBe(services.length);
  });

  it('refuses a malformed event for every subscriber: no handler sees it, each drops it to its dead letter', async () => {
    for (const malformed of [stockChanged({ available: 13, onHand: 13 }), stockChanged({ onHand: -1 })]) {
      validations = 0;
      const { seen, dropped } = await publishToThree(malformed);
      for (const name of services) expect(seen.get(name)).toEqual([]);
      expect(dropped.sort()).toEqual([...services].sort());
      // Refused by the counting rule once for all three (the second breaks a key before that rule runs).
      expect(validations).toBe(malformed.data.available === 13 ? 1 : 0);
    }
  });
});

describe('the log lines of a delivery', () => {
  it("go through the mesh's logger for the delivery (it carries the trace) and name the event", async () => {
    const lines = new PassThrough();
    const written: string[] = [];
    lines.on('data', (chunk: Buffer) => written.push(...chunk.toString().split('\n').filter(Boolean)));
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const deliveryLog = createLogger({ name: 'mesh', level: 'info', stream: lines }).child({ traceId });
    const [subscription] = statelessIntake(
      [
        subscribe<StockChanged, undefined, EventContext>(StockChanged, async (ctx) => {
          ctx.log.info('handled');
        }),
      ],
      { service, log, deps: undefined },
    );
    const event = stockChanged();
    await subscription?.handle(event, { log: deliveryLog });
    await subscription?.handle(stockChanged({ version: -1 }), { log: deliveryLog });

    const records = written.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records).toEqual([
      expect.objectContaining({
        msg: 'handled',
        traceId,
        eventId: event.id,
        eventType: topics.stockChanged,
        topic: topics.stockChanged,
        consumer: 'widgets.inventory.stock-changed',
      }),
      expect.objectContaining({
        msg: expect.stringMatching(/contract/),
        traceId,
        problems: [expect.stringMatching(/version/)],
      }),
    ]);
  });
});
