import { type StockChanged, type StockLevels, topics } from '@shop/contracts';
import type { Logger, Mesh, Subscription } from '@shop/kit';
import Joi from 'joi';
import { type HubClients, HubError } from '../signalr';
import { BoundedMap } from './bounded-map';

/** What a client receives as `StockChanged` (CONTRACT.md, Realtime hub); `version` is an extension. */
export interface StockChangedMessage extends StockLevels {
  at: string;
  /** The inventory's per-product version, when known (a snapshot read from the inventory API has none). */
  version?: number;
}

/** The group of connections subscribed to one product. */
export function stockGroup(productId: string): string {
  return `stock:${productId}`;
}

const stockChangedSchema = Joi.object<StockChanged>({
  productId: Joi.string().guid().required(),
  onHand: Joi.number().integer().required(),
  reserved: Joi.number().integer().required(),
  available: Joi.number().integer().required(),
  version: Joi.number().integer().min(0).required(),
  at: Joi.string().isoDate().required(),
}).unknown(true);

const levelsSchema = Joi.object<StockLevels>({
  productId: Joi.string().required(),
  onHand: Joi.number().integer().required(),
  reserved: Joi.number().integer().required(),
  available: Joi.number().integer().required(),
}).unknown(true);

export interface StockFeedDeps {
  mesh: Mesh;
  log: Logger;
  /** Products whose latest state the feed remembers. */
  capacity: number;
}

/**
 * Turns `inventory.stock-changed` events into `StockChanged` messages for each product's subscribers, in version
 * order: an event older than one already sent for its product (a redelivery, a late duplicate) is not sent.
 * Remembers the latest state per product, so a client that (re)subscribes is told the current stock at once.
 */
export class StockFeed {
  private readonly latest: BoundedMap<string, StockChangedMessage & { version: number }>;
  private hubClients: HubClients | undefined;

  constructor(private readonly deps: StockFeedDeps) {
    this.latest = new BoundedMap(deps.capacity);
  }

  /** The inventory hub's clients, once it is mapped (the hub and its feed need each other). */
  attach(clients: HubClients): void {
    this.hubClients = clients;
  }

  subscription(): Subscription {
    return {
      topic: topics.stockChanged,
      handle: async (event) => {
        const { value, error } = stockChangedSchema.validate(event.data);
        if (error) {
          this.deps.log.error({ eventId: event.id, err: error }, 'malformed inventory.stock-changed event dropped');
          return 'drop';
        }
        await this.changed(value);
        return 'success';
      },
    };
  }

  async changed(event: StockChanged): Promise<void> {
    const known = this.latest.get(event.productId);
    if (known && known.version >= event.version) return;
    const message = {
      productId: event.productId,
      onHand: event.onHand,
      reserved: event.reserved,
      available: event.available,
      at: event.at,
      version: event.version,
    };
    this.latest.set(event.productId, message);
    await this.clients().group(stockGroup(event.productId)).send('StockChanged', message);
  }

  /**
   * Tells one connection the product's current stock: the latest event seen, else the inventory's own answer
   * (anonymous `GET /api/inventory/:productId` through the mesh). A product the inventory does not know yet
   * sends nothing; its first change will.
   */
  async sendCurrent(connectionId: string, productId: string): Promise<void> {
    const client = this.clients().client(connectionId);
    const seen = this.latest.get(productId);
    if (seen) {
      await client.send('StockChanged', seen);
      return;
    }
    const answer = await this.deps.mesh.invoke('inventory', `/api/inventory/${productId}`, { method: 'GET' });
    // An event that arrived while the inventory answered was already sent to the group, this client included;
    // repeating the newest state keeps what the client saw last the newest.
    const arrived = this.latest.get(productId);
    if (arrived) {
      await client.send('StockChanged', arrived);
      return;
    }
    if (answer.status === 404) return;
    const { value: levels, error } = answer.status === 200 ? levelsSchema.validate(answer.body) : { value: undefined };
    if (!levels || error) {
      this.deps.log.warn({ productId, status: answer.status }, 'current stock could not be read from the inventory');
      throw new HubError('The current stock could not be read; the subscription stands and changes will follow.');
    }
    const snapshot: StockChangedMessage = {
      productId,
      onHand: levels.onHand,
      reserved: levels.reserved,
      available: levels.available,
      at: new Date().toISOString(),
    };
    await client.send('StockChanged', snapshot);
  }

  private clients(): HubClients {
    if (!this.hubClients) throw new Error('the stock feed is not attached to the inventory hub');
    return this.hubClients;
  }
}
