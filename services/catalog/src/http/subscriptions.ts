import { type EventEnvelope, type StockChanged, topics } from '@shop/contracts';
import type { Subscription } from '@shop/kit';
import Joi from 'joi';
import { applyStockChange } from '../application/apply-stock-change';
import type { CatalogDeps } from '../application/ports';

// Events arrive through the sidecar as HTTP POSTs, so their inbound adapter lives beside the routes.

const stockChanged = Joi.object<StockChanged>({
  productId: Joi.string().guid().lowercase().required(),
  onHand: Joi.number().integer().required(),
  reserved: Joi.number().integer().required(),
  available: Joi.number().integer().required(),
  version: Joi.number().integer().min(1).max(2_147_483_647).required(),
  at: Joi.string().required(),
}).unknown(true);

export function stockChangedSubscription(deps: CatalogDeps): Subscription {
  return {
    topic: topics.stockChanged,
    async handle(event) {
      const { value, error } = stockChanged.validate(event.data);
      if (error) {
        // No retry can fix a malformed event: it goes to the dead-letter topic for someone to look at.
        deps.log.error({ eventId: event.id, err: error }, 'malformed inventory.stock-changed event');
        return 'drop';
      }
      await applyStockChange(deps, { ...event, data: value } as EventEnvelope<StockChanged>);
      return 'success';
    },
  };
}
