import type { EventEnvelope } from '@shop/contracts';
import { type DeliveryOutcome, handleOnce, kitLimits, type Logger, type Tx } from '@shop/kit';
import type Joi from 'joi';
import type { DataSource } from 'typeorm';

export interface ConsumerOptions<T, R> {
  db: DataSource;
  log: Logger;
  /** Names this consumer in the inbox, e.g. payments.on-stock-reserved. */
  consumer: string;
  /** The part of the event's data this consumer relies on; anything else in it is ignored. */
  schema: Joi.ObjectSchema<T>;
  effect(tx: Tx, data: T): Promise<R>;
  /** The effect rolled back because something it needs has not arrived yet: the mesh should redeliver. */
  isEarly(result: R): boolean;
  /** Called once the effect committed (never for a rollback): where its outcome is worth a log line. */
  onApplied?(result: R, log: Logger): void;
}

/**
 * Applies an event at most once per consumer (its id is recorded in the effect's transaction) and tells the
 * mesh what to do next: a malformed event is dropped (redelivering cannot fix it), an event that came before
 * the one it depends on is retried (events of different producers arrive in any order), an exception is
 * retried by the mesh, anything else is done.
 */
export async function consumeOnce<T, R>(
  event: EventEnvelope,
  options: ConsumerOptions<T, R>,
): Promise<DeliveryOutcome> {
  const log = options.log.child({ consumer: options.consumer, eventId: event.id, type: event.type }, true);
  if (typeof event.id !== 'string' || event.id.length === 0 || event.id.length > kitLimits.inboxEventIdLength) {
    log.warn('event without a usable id dropped');
    return 'drop';
  }
  const { value, error } = options.schema.validate(event.data, { allowUnknown: true, stripUnknown: true });
  if (error) {
    log.warn({ problems: error.details.map((detail) => detail.message) }, 'malformed event dropped');
    return 'drop';
  }
  const result = await handleOnce(options.db, options.consumer, event.id, (tx) => options.effect(tx, value as T));
  if (result.status === 'duplicate') {
    log.debug('event already applied');
    return 'success';
  }
  if (result.status === 'rolled-back' && options.isEarly(result.value)) {
    log.info('event arrived before what it depends on; asking for redelivery');
    return 'retry';
  }
  if (result.status === 'applied') options.onApplied?.(result.value, log);
  else log.debug('event rolled back its effect');
  return 'success';
}
