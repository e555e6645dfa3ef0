import type Joi from 'joi';
import type { EventEnvelope } from './event-envelope';
import type { Topic } from './topics';

/**
 * An event of the published language: the topic it travels on and the schema of its payload, declared once.
 * Publishers build envelopes with `newEvent`; every consumer's payload is validated against `schema` by the
 * kit before its handler runs. Schemas state exactly what publishers send (no unknown keys), so a test can
 * prove each publisher's payloads against them; consumers read tolerantly (unknown keys are ignored).
 */
export interface EventContract<TData> {
  readonly topic: Topic;
  readonly schema: Joi.ObjectSchema<TData>;
}

export function eventContract<TData>(topic: Topic, schema: Joi.ObjectSchema<TData>): EventContract<TData> {
  return { topic, schema };
}

/** An event ready for the outbox: the topic it goes to and its envelope. */
export interface OutgoingEvent<TData = unknown> {
  topic: Topic;
  envelope: EventEnvelope<TData>;
}

/**
 * The one way an event is made: a fresh id, the topic as its type, the instant it happened. Not validated
 * here (publishing is on hot paths); the contract test proves what every publisher builds.
 */
export function newEvent<TData>(contract: EventContract<TData>, data: TData, occurredAt: Date): OutgoingEvent<TData> {
  return {
    topic: contract.topic,
    envelope: { id: globalThis.crypto.randomUUID(), type: contract.topic, occurredAt: occurredAt.toISOString(), data },
  };
}
