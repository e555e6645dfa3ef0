import type { EventEnvelope } from '@shop/contracts';
import type { ContractChecks } from '../events/contract-check';
import type { Logger } from '../log/logger';

/**
 * The mesh port: everything a service asks of its sidecar. Two adapters implement it with the same
 * semantics: Dapr (a real daprd next to each service) and embedded (every service in one process).
 */
export interface Mesh {
  /** Calls another service by its app id; answers whatever that service answered, errors included. */
  invoke(appId: string, path: string, request?: InvokeRequest): Promise<InvokeResponse>;
  /** Puts an event on a topic; resolves once the broker has it (at-least-once from here on). */
  publish(topic: string, event: EventEnvelope): Promise<void>;
  /**
   * Puts several events on one topic in one call to the sidecar, each continuing its own trace (the traceparent of
   * the work that made it); resolves once the broker has all of them, rejects when it may lack any (publish them
   * again: consumers dedupe). Only where the sidecar has a bulk API (Dapr); the outbox relay uses it when present.
   */
  publishBulk?(topic: string, events: TracedEvent[]): Promise<void>;
  /** This service's private key/value state (keys are namespaced by app id). */
  readonly state: StateStore;
  /**
   * Dapr output bindings by component name, beside a daprd only: the embedded topology loads no components, so a
   * service there has none and talks to the resource itself.
   */
  readonly bindings?: OutputBindings;
}

/** An event with the traceparent of the work that made it (null when that work was not traced). */
export interface TracedEvent {
  event: EventEnvelope;
  traceparent: string | null;
}

export interface OutputBindings {
  /** Resolves with what the binding answered; a failure of the binding or of the resource behind it throws BindingError. */
  invoke(name: string, request: BindingRequest): Promise<BindingAnswer>;
}

export interface BindingRequest {
  /** The binding's operation, e.g. `create`. */
  operation: string;
  /** Sent as JSON. */
  data?: unknown;
  metadata?: Record<string, string>;
}

export interface BindingAnswer {
  /** Parsed JSON when the binding answered JSON, the text otherwise, undefined when empty. */
  body: unknown;
  /** The binding's response metadata (daprd's `metadata.*` headers), by key. */
  metadata: Record<string, string>;
}

/** The binding, or the resource behind it, failed; `detail` is daprd's message (it carries the resource's answer). */
export class BindingError extends Error {
  constructor(
    readonly binding: string,
    readonly status: number | undefined,
    readonly detail: string,
  ) {
    super(`output binding ${binding} failed: daprd answered ${status ?? 'nothing'}: ${detail}`);
    this.name = 'BindingError';
  }
}

export interface InvokeRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * The caller's budget for the whole call, retries included: past it the call rejects with InvokeTimeoutError and
   * its answer, should one still come, is ignored. Without it the call waits as long as the mesh does.
   */
  timeoutMs?: number;
}

/** A call given `timeoutMs` got no answer in that time (the callee may still act on it: make it idempotent). */
export class InvokeTimeoutError extends Error {
  constructor(
    readonly appId: string,
    readonly path: string,
    readonly timeoutMs: number,
  ) {
    super(`invoking ${appId} ${path} got no answer within ${timeoutMs} ms`);
    this.name = 'InvokeTimeoutError';
  }
}

export interface InvokeResponse {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON when the answer was JSON, the text otherwise, undefined when empty. */
  body: unknown;
}

export interface StateEntry<T> {
  value: T;
  /** Opaque version; pass it back to save/delete for optimistic concurrency. */
  etag: string;
}

export interface SaveOptions {
  /** Save only if the stored version still has this ETag; otherwise EtagMismatchError. */
  etag?: string;
  /**
   * Save only if no entry exists; otherwise EtagMismatchError. With `etag`, the two conditional forms cover every
   * write of a read-modify-write loop, so two writers creating one entry at once cannot both win.
   */
  ifAbsent?: boolean;
  /** The entry disappears after this many seconds. */
  ttlSeconds?: number;
}

export interface StateStore {
  get<T>(key: string): Promise<StateEntry<T> | undefined>;
  /** Many entries in one round trip: one answer per key, in the order asked (undefined where none is stored). */
  getBulk<T>(keys: string[]): Promise<Array<StateEntry<T> | undefined>>;
  save<T>(key: string, value: T, options?: SaveOptions): Promise<void>;
  delete(key: string, options?: { etag?: string }): Promise<void>;
}

export class EtagMismatchError extends Error {
  constructor(readonly key: string) {
    super(`state entry ${key} changed since it was read (ETag mismatch)`);
    this.name = 'EtagMismatchError';
  }
}

/** What a subscription handler tells the mesh; throwing counts as 'retry'. */
export type DeliveryOutcome = 'success' | 'retry' | 'drop';

/** What the mesh tells a handler about one delivery. */
export interface Delivery {
  /** The subscriber's logger for this delivery: topic, event id and the event's trace id on every line. */
  log: Logger;
  /**
   * On the app's dead-letter topic: the topic the event failed on (daprd republishes the original CloudEvent, whose
   * `topic` still names it; the embedded bus passes it along).
   */
  failedTopic?: string;
  /** The event's contract checks, shared by every subscriber in this process it is handed to (the embedded bus). */
  contractChecks?: ContractChecks;
}

export interface Subscription {
  topic: string;
  handle(event: EventEnvelope, delivery?: Delivery): Promise<DeliveryOutcome | undefined>;
}
