import type { EventContract, EventEnvelope } from '@shop/contracts';
import type { Tx } from '../data/unit-of-work';
import type { HandlerContext } from '../handler/handler-context';

/**
 * What a handler is given beside the event: the application handlers' context, with no caller (an event has
 * none); its log lines carry the event's id, type, topic and consumer.
 */
export interface EventContext extends HandlerContext {
  caller?: undefined;
}

/** The context of a service with a database: the handler's writes go through `tx`, with the inbox record. */
export interface InboxEventContext extends EventContext {
  /** The transaction the event's inbox record is written in: what the handler writes commits with it or not at all. */
  tx: Tx;
  /** Runs `work` once the transaction committed (a cache to invalidate); never when it rolled back. */
  afterCommit(work: () => Promise<void> | void): void;
}

/**
 * A handler's answer: nothing when done, 'retry' when the event came before one it depends on (events of
 * different producers arrive in any order): its transaction is rolled back, the inbox keeps no record, and the
 * mesh delivers it again later.
 */
export type HandlerAnswer = undefined | 'retry';

/**
 * A subscription as a service declares it: the topic, the payload's schema from `@shop/contracts`, and the work.
 * The kit's intake validates the payload, records the inbox, logs, and calls `handle`.
 */
export interface EventSubscription<TDeps, TContext extends EventContext = InboxEventContext, TData = unknown> {
  topic: EventContract<TData>['topic'];
  schema: EventContract<TData>['schema'];
  // biome-ignore lint/suspicious/noConfusingVoidType: a handler with nothing to say returns nothing
  handle(ctx: TContext, event: EventEnvelope<TData>, deps: TDeps): Promise<HandlerAnswer | void>;
}

/**
 * Declares a subscription to a contract's topic with the contract's schema, so the two cannot disagree and
 * `event.data` is typed by the contract.
 */
export function subscribe<TData, TDeps, TContext extends EventContext = InboxEventContext>(
  contract: EventContract<TData>,
  handle: EventSubscription<TDeps, TContext, TData>['handle'],
): EventSubscription<TDeps, TContext, TData> {
  return { topic: contract.topic, schema: contract.schema, handle };
}
