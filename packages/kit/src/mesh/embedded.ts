import type { RequestListener } from 'node:http';
import type { EventEnvelope } from '@shop/contracts';
import inject from 'light-my-request';
import { settleOutboxRelays } from '../data/outbox-relay';
import { ContractChecks } from '../events/contract-check';
import { continueTrace } from '../http/trace-context';
import { createLogger, type Logger } from '../log/logger';
import { activeTraceContext, currentTraceparent, injectTraceHeaders, inKitSpan, SpanKind } from '../tracing/tracing';
import { deadLetterTopicFor } from './dapr-app-routes';
import { clearDeliveryFailure, recordDeliveryFailure } from './delivery-failures';
import {
  type DeliveryOutcome,
  EtagMismatchError,
  type InvokeRequest,
  type InvokeResponse,
  InvokeTimeoutError,
  type Mesh,
  type SaveOptions,
  type StateEntry,
  type StateStore,
  type Subscription,
} from './port';
import { parseResponseBody } from './response-body';
import { StateFile } from './state-file';

/**
 * How a failing delivery is retried before it goes to the app's dead-letter topic. The defaults mirror
 * components/resiliency.yaml (1 try + 3 retries, exponential from 500 ms by 1.5, capped at 2 s).
 */
export interface EmbeddedRetryPolicy {
  maxAttempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

/** Service invocation retries when the callee answers 5xx, like resiliency.yaml's DefaultAppRetryPolicy. */
export interface EmbeddedInvokeRetryPolicy {
  maxRetries: number;
  intervalMs: number;
}

export interface EmbeddedBusOptions {
  retry?: Partial<EmbeddedRetryPolicy>;
  invokeRetry?: Partial<EmbeddedInvokeRetryPolicy>;
  /** Events kept per topic for subscriptions registered later (pubsub.yaml's maxLenApprox). */
  retainedEventsPerTopic?: number;
  logger?: Logger;
  /**
   * A SQLite file the apps' state is kept in across restarts (`npm start` keeps carts and the like this way, as
   * Redis does for the Dapr topology); in memory only without it.
   */
  stateFile?: string;
}

export interface EmbeddedAppOptions {
  /** Serves invocations of this app, e.g. a Koa `app.callback()`. */
  listener?: RequestListener;
  /** A subscription on deadLetterTopicFor(appId) receives the app's undeliverable events. */
  subscriptions?: Subscription[];
}

export const defaultEmbeddedRetry: EmbeddedRetryPolicy = { maxAttempts: 4, initialBackoffMs: 500, maxBackoffMs: 2_000 };
export const defaultEmbeddedInvokeRetry: EmbeddedInvokeRetryPolicy = { maxRetries: 2, intervalMs: 200 };
const backoffMultiplier = 1.5;
const defaultRetainedEventsPerTopic = 10_000;
// Connection-level headers mean nothing in process; daprd does not pass them on either.
const hopByHopHeaders = new Set(['connection', 'keep-alive', 'transfer-encoding']);

interface RegisteredApp {
  appId: string;
  listener?: RequestListener;
  subscriptions: Map<string, Subscription>;
  state: MemoryStateStore;
}

/**
 * The mesh for every service in one process, with the semantics of Dapr on Redis Streams: each app is one
 * consumer group (one delivery per subscribing app), delivery is asynchronous and at-least-once, failures are
 * retried with backoff and then published to the app's dead-letter topic, and a subscription registered later
 * still receives the events the topic retains. State is per app, with integer-version ETags and TTLs.
 */
export class EmbeddedBus {
  private readonly apps = new Map<string, RegisteredApp>();
  private readonly retained = new Map<string, BusEvent[]>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly retry: EmbeddedRetryPolicy;
  private readonly invokeRetry: EmbeddedInvokeRetryPolicy;
  private readonly retainedPerTopic: number;
  private readonly logger: Logger;
  private readonly stateFile?: StateFile;
  private closed = false;

  constructor(options: EmbeddedBusOptions = {}) {
    this.retry = { ...defaultEmbeddedRetry, ...options.retry };
    this.invokeRetry = { ...defaultEmbeddedInvokeRetry, ...options.invokeRetry };
    this.retainedPerTopic = options.retainedEventsPerTopic ?? defaultRetainedEventsPerTopic;
    this.logger = options.logger ?? createLogger({ name: 'embedded-mesh' });
    if (this.retry.maxAttempts < 1) throw new Error('retry.maxAttempts must be at least 1');
    if (options.stateFile) this.stateFile = new StateFile(options.stateFile);
  }

  /** Adds an app's request listener and subscriptions; may be called after meshFor(appId). */
  register(appId: string, options: EmbeddedAppOptions): void {
    const app = this.app(appId);
    if (options.listener) {
      if (app.listener) throw new Error(`${appId} already has a request listener on the embedded bus`);
      app.listener = options.listener;
    }
    for (const subscription of options.subscriptions ?? []) {
      if (app.subscriptions.has(subscription.topic)) {
        throw new Error(`${appId} subscribes to ${subscription.topic} twice`);
      }
      app.subscriptions.set(subscription.topic, subscription);
      // A new Redis consumer group starts at stream id 0: it receives what the topic still holds.
      for (const event of this.retained.get(subscription.topic) ?? []) this.startDelivery(app, subscription, event);
    }
  }

  /** The topics app `appId` subscribes to, as registered (what its sidecar would read from /dapr/subscribe). */
  subscribedTopics(appId: string): string[] {
    return [...(this.apps.get(appId)?.subscriptions.keys() ?? [])];
  }

  /** The Mesh port as app `appId` sees it. */
  meshFor(appId: string): Mesh {
    const app = this.app(appId);
    return {
      invoke: (target, path, request) => this.invoke(appId, target, path, request),
      publish: (topic, event) =>
        inKitSpan(`${appId} publish ${topic}`, { service: appId, kind: SpanKind.PRODUCER }, async () =>
          this.publish(topic, event),
        ),
      state: app.state,
    };
  }

  /**
   * Resolves once the process has gone quiet: every delivery in flight (retries and dead letters included)
   * has settled, and the outbox relays have published what those deliveries committed.
   */
  async drain(): Promise<void> {
    for (;;) {
      if (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
      else if (!(await settleOutboxRelays())) return;
    }
  }

  /** Refuses new events, then drains. */
  async close(): Promise<void> {
    this.closed = true;
    await this.drain();
    this.stateFile?.close();
  }

  private app(appId: string): RegisteredApp {
    let app = this.apps.get(appId);
    if (!app) {
      const persistence = this.stateFile && { file: this.stateFile, appId };
      app = { appId, subscriptions: new Map(), state: new MemoryStateStore(persistence) };
      this.apps.set(appId, app);
    }
    return app;
  }

  private publish(topic: string, event: EventEnvelope): void {
    if (this.closed) throw new Error(`publishing to ${topic} failed: the embedded bus is closed`);
    // Serialized as on the wire, so handlers never share (or see mutations of) the publisher's object; the trace
    // travels beside it, as the CloudEvent's traceparent does through daprd.
    this.append(topic, {
      serialized: JSON.stringify(event),
      traceparent: currentTraceparent(),
      contractChecks: new ContractChecks(),
    });
  }

  private append(topic: string, serializedEvent: BusEvent): void {
    const retained = this.retained.get(topic) ?? [];
    retained.push(serializedEvent);
    if (retained.length > this.retainedPerTopic) retained.shift();
    this.retained.set(topic, retained);
    for (const app of this.apps.values()) {
      const subscription = app.subscriptions.get(topic);
      if (subscription) this.startDelivery(app, subscription, serializedEvent);
    }
  }

  private startDelivery(app: RegisteredApp, subscription: Subscription, serializedEvent: BusEvent): void {
    const delivery = this.deliver(app, subscription, serializedEvent).finally(() => this.inFlight.delete(delivery));
    this.inFlight.add(delivery);
  }

  private async deliver(app: RegisteredApp, subscription: Subscription, busEvent: BusEvent): Promise<void> {
    const { topic } = subscription;
    // Delivery never happens inside publish(): the publisher's transaction or request is over first.
    await new Promise((resolve) => setImmediate(resolve));
    const outcome = await inKitSpan(
      `${app.appId} receive ${topic}`,
      { service: app.appId, kind: SpanKind.CONSUMER, traceparent: busEvent.traceparent ?? null },
      () => this.attempt(app, subscription, busEvent),
    );
    if (outcome === 'success') return;
    const log = this.logger.child({ appId: app.appId, topic });
    const deadLetterTopic = deadLetterTopicFor(app.appId);
    if (topic === deadLetterTopic) {
      log.error({ event: JSON.parse(busEvent.serialized) }, 'dead-letter handler gave up on an event; it is lost');
      return;
    }
    log.warn({ outcome, deadLetterTopic }, 'event not delivered; moved to the dead-letter topic');
    this.append(deadLetterTopic, { ...busEvent, failedTopic: topic, contractChecks: new ContractChecks() });
  }

  /** Hands the event to the handler until it succeeds, drops it or runs out of attempts. */
  private async attempt(app: RegisteredApp, subscription: Subscription, busEvent: BusEvent): Promise<DeliveryOutcome> {
    // The delivery's span when tracing runs; without tracing a trace of its own (the publisher's, when it travelled),
    // so that every line of one delivery still carries one trace and span id, as it does through daprd.
    const trace = activeTraceContext() ?? continueTrace(busEvent.traceparent, undefined);
    const { topic } = subscription;
    let outcome: DeliveryOutcome = 'retry';
    for (let attempt = 1; attempt <= this.retry.maxAttempts; attempt++) {
      if (attempt > 1) await sleep(this.backoffMs(attempt - 1));
      const event = JSON.parse(busEvent.serialized) as EventEnvelope;
      const log = this.logger.child(
        { appId: app.appId, topic, eventId: event.id, trace_id: trace.traceId, span_id: trace.spanId },
        true,
      );
      try {
        outcome = outcomeOf(
          await subscription.handle(event, {
            log,
            ...(busEvent.failedTopic ? { failedTopic: busEvent.failedTopic } : {}),
            contractChecks: busEvent.contractChecks,
          }),
        );
        if (outcome === 'retry') recordDeliveryFailure(app.appId, topic, event.id, 'the handler asked for redelivery');
        else if (outcome === 'success') clearDeliveryFailure(app.appId, topic, event.id);
      } catch (err) {
        log.warn({ err, attempt }, 'event handler failed; retrying');
        recordDeliveryFailure(app.appId, topic, event.id, err);
        outcome = 'retry';
      }
      if (outcome !== 'retry') break;
    }
    return outcome;
  }

  private backoffMs(retry: number): number {
    const { initialBackoffMs, maxBackoffMs } = this.retry;
    return Math.min(maxBackoffMs, initialBackoffMs * backoffMultiplier ** (retry - 1));
  }

  private async invoke(
    caller: string,
    appId: string,
    path: string,
    request: InvokeRequest = {},
  ): Promise<InvokeResponse> {
    const listener = this.apps.get(appId)?.listener;
    if (!listener) {
      throw new Error(`invoking ${appId} ${path} failed: no app ${appId} is registered on the embedded bus`);
    }
    const method = request.method ?? 'GET';
    const url = `/${path.replace(/^\/+/, '')}`;
    // The callee's share of the trace, as daprd's span and the callee's server span are in the Dapr topology.
    return withinInvokeBudget({ appId, path, timeoutMs: request.timeoutMs }, (deadline) =>
      inKitSpan(
        `${appId} invoke ${method}`,
        { service: appId, kind: SpanKind.SERVER, attributes: { 'shop.caller': caller, 'url.path': url.split('?')[0] } },
        () => this.send(listener, caller, appId, url, { ...request, method }, deadline),
      ),
    );
  }

  private async send(
    listener: RequestListener,
    caller: string,
    appId: string,
    url: string,
    request: InvokeRequest,
    deadline?: number,
  ): Promise<InvokeResponse> {
    const hasBody = request.body !== undefined;
    const options = {
      method: request.method ?? 'GET',
      url,
      headers: injectTraceHeaders({
        ...(hasBody ? { 'content-type': 'application/json' } : {}),
        ...request.headers,
        // What daprd adds for the callee.
        'dapr-caller-app-id': caller,
        'dapr-callee-app-id': appId,
      }),
      payload: hasBody ? JSON.stringify(request.body) : undefined,
    };
    for (let retry = 0; ; retry++) {
      const response = await inject(listener, options);
      // A retry that could not finish within the caller's budget is not tried: its answer would be ignored.
      const outOfTime = deadline !== undefined && Date.now() + this.invokeRetry.intervalMs >= deadline;
      if (response.statusCode < 500 || retry >= this.invokeRetry.maxRetries || outOfTime) {
        const headers = flatHeaders(response.headers);
        return {
          status: response.statusCode,
          headers,
          body: parseResponseBody(headers['content-type'], response.payload),
        };
      }
      await sleep(this.invokeRetry.intervalMs);
    }
  }
}

/** An event as the bus holds it: serialized as on the wire, with the trace of the work that published it. */
interface BusEvent {
  serialized: string;
  traceparent: string | undefined;
  /** On a dead-letter topic: the topic the event failed on. */
  failedTopic?: string;
  /** Checked once against a contract for all its subscribers here. */
  contractChecks: ContractChecks;
}

/** Runs `call` within `timeoutMs` (when given): the call's own result, or InvokeTimeoutError once the time is up. */
function withinInvokeBudget<T>(
  target: { appId: string; path: string; timeoutMs?: number },
  call: (deadline: number | undefined) => Promise<T>,
): Promise<T> {
  const { timeoutMs } = target;
  if (timeoutMs === undefined) return call(undefined);
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new InvokeTimeoutError(target.appId, target.path, timeoutMs)), timeoutMs);
  });
  const running = call(Date.now() + timeoutMs);
  // The call may still settle after the budget: its late failure must not surface as an unhandled rejection.
  running.catch(() => undefined);
  return Promise.race([running, expired]).finally(() => clearTimeout(timer));
}

/** One app's mesh on a bus shared by every service in the process. */
export function createEmbeddedMesh(options: { bus: EmbeddedBus; appId: string } & EmbeddedAppOptions): Mesh {
  options.bus.register(options.appId, { listener: options.listener, subscriptions: options.subscriptions });
  return options.bus.meshFor(options.appId);
}

interface StoredEntry {
  /** The saved value after a JSON round trip (what Redis would give back), frozen so no reader can change it. */
  value: unknown;
  version: number;
  expiresAtMs?: number;
}

/**
 * state.redis semantics: the ETag is a version counter; an ETag on a missing key does not conflict. Reads come from
 * memory; with a state file every change is written through to it, and the entries are read back at start.
 */
class MemoryStateStore implements StateStore {
  private readonly entries = new Map<string, StoredEntry>();

  constructor(private readonly persistence?: { file: StateFile; appId: string }) {
    for (const entry of persistence?.file.load(persistence.appId, Date.now()) ?? []) {
      this.entries.set(entry.key, {
        value: deepFreeze(JSON.parse(entry.json) as unknown),
        version: entry.version,
        expiresAtMs: entry.expiresAtMs,
      });
    }
  }

  async get<T>(key: string): Promise<StateEntry<T> | undefined> {
    const entry = this.live(key);
    // Parsed once per save, not per read: product reads are the hot path of the embedded topology.
    return entry && { value: entry.value as T, etag: String(entry.version) };
  }

  async getBulk<T>(keys: string[]): Promise<Array<StateEntry<T> | undefined>> {
    return Promise.all(keys.map((key) => this.get<T>(key)));
  }

  async save<T>(key: string, value: T, options: SaveOptions = {}): Promise<void> {
    const entry = this.live(key);
    this.checkEtag(key, entry, options.etag);
    if (options.ifAbsent && entry) throw new EtagMismatchError(key);
    // Like Redis: a save without a TTL keeps the one the key already has; a TTL <= 0 removes it.
    let expiresAtMs = entry?.expiresAtMs;
    if (options.ttlSeconds !== undefined) {
      expiresAtMs = options.ttlSeconds > 0 ? Date.now() + options.ttlSeconds * 1000 : undefined;
    }
    const json = JSON.stringify(value ?? null);
    const stored: StoredEntry = {
      value: deepFreeze(JSON.parse(json) as unknown),
      version: (entry?.version ?? 0) + 1,
      expiresAtMs,
    };
    this.persistence?.file.put(this.persistence.appId, { key, json, version: stored.version, expiresAtMs });
    this.entries.set(key, stored);
  }

  async delete(key: string, options: { etag?: string } = {}): Promise<void> {
    this.checkEtag(key, this.live(key), options.etag);
    this.forget(key);
  }

  private checkEtag(key: string, entry: StoredEntry | undefined, etag: string | undefined): void {
    if (etag === undefined) return;
    // daprd answers 400 for an ETag that is not a version number.
    if (!/^\d+$/.test(etag)) throw new Error(`invalid ETag ${JSON.stringify(etag)} for ${key}: ETags are versions`);
    if (entry && String(entry.version) !== etag) throw new EtagMismatchError(key);
  }

  private live(key: string): StoredEntry | undefined {
    const entry = this.entries.get(key);
    if (entry?.expiresAtMs !== undefined && entry.expiresAtMs <= Date.now()) {
      this.forget(key);
      return undefined;
    }
    return entry;
  }

  private forget(key: string): void {
    if (!this.entries.delete(key)) return;
    this.persistence?.file.delete(this.persistence.appId, key);
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

// Like daprd reading the app's answer: no answer is success, and an unknown one is retried.
function outcomeOf(answer: DeliveryOutcome | undefined): DeliveryOutcome {
  if (answer === undefined || answer === 'success') return 'success';
  return answer === 'drop' ? 'drop' : 'retry';
}

function flatHeaders(headers: Record<string, string | string[] | number | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || hopByHopHeaders.has(name)) continue;
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return flat;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
