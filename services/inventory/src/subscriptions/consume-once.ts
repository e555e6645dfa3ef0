import type { EventEnvelope } from '@shop/contracts';
import { type DeliveryOutcome, handleOnce, kitLimits, type Logger } from '@shop/kit';
import type Joi from 'joi';
import type { DataSource } from 'typeorm';
import type { InventoryTx } from '../application/stock-store';
import { inventoryTx } from '../infrastructure/typeorm-stock-store';

export interface ConsumerOptions<T> {
  db: DataSource;
  log: Logger;
  /** Names this consumer in the inbox: each consumer applies an event once, whatever the others did. */
  consumer: string;
  /** The part of the event's data this consumer relies on; anything else in it is ignored. */
  schema: Joi.ObjectSchema<T>;
  effect(tx: InventoryTx, data: T): Promise<unknown>;
}

/**
 * Applies an event at most once per consumer (the event id is recorded in the effect's transaction) and
 * tells the mesh what to do with it: a malformed event is dropped (redelivering it cannot fix it), an
 * exception is retried by the mesh, anything else is done.
 */
export async function consumeOnce<T>(event: EventEnvelope, options: ConsumerOptions<T>): Promise<DeliveryOutcome> {
  const log = options.log.child({ consumer: options.consumer, eventId: event.id, type: event.type }, true);
  if (typeof event.id !== 'string' || event.id.length === 0 || event.id.length > kitLimits.inboxEventIdLength) {
    log.warn('event without a usable id dropped');
    return 'drop';
  }
  const { value, error } = options.schema.validate(event.data, {
    allowUnknown: true,
    stripUnknown: true,
    convert: false,
  });
  if (error) {
    log.warn({ problems: error.details.map((detail) => detail.message) }, 'malformed event dropped');
    return 'drop';
  }
  const result = await handleOnce(options.db, options.consumer, event.id, (tx) =>
    options.effect(inventoryTx(tx), value as T),
  );
  if (result.status === 'duplicate') log.debug('event already applied');
  return 'success';
}
